"""How the access walk (tests/test_access.py) makes pathology objects."""

from tests.pathology.helpers import make_fact

MAKERS = {
    "fact_id": lambda case: make_fact(case).public_id,
}
