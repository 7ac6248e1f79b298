"""How tests/test_access.py makes a service to prove its URLs are private."""

from tests.providers.factories import make_service

MAKERS = {"service_id": lambda case: make_service(case).public_id}
