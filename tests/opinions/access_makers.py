"""How tests/test_access.py makes opinions-app objects to prove their URLs are private."""

from tests.opinions.factories import make_build, make_link, make_opinion, make_question

MAKERS = {
    "build_id": lambda case: make_build(case).public_id,
    "link_id": lambda case: make_link(case)[0].public_id,
    "opinion_id": lambda case: make_opinion(case).public_id,
    "question_id": lambda case: make_question(case).public_id,
    "page": lambda case: 1,
}
