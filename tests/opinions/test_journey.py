"""The send, receive and decide stages follow the data."""

import datetime

from secondopinion.opinions.journey import stages
from secondopinion.opinions.models import Decision, Handoff
from tests.opinions.factories import make_build, make_opinion

TODAY = datetime.date(2026, 5, 1)


def statuses(case):
    return {s.key: s.status for s in stages(case, TODAY)}


def test_it_starts_with_nothing_done(case):
    assert statuses(case) == {"send": "todo", "receive": "todo", "decide": "todo"}


def test_it_moves_along_as_the_case_is_sent_answered_and_decided(case):
    make_build(case)
    assert statuses(case)["send"] == "started"
    make_opinion(case, stance="confirms")
    assert statuses(case)["receive"] == "done"
    assert statuses(case)["decide"] == "started"
    Decision.objects.create(case=case, choice="Go ahead")
    Handoff.objects.create(case=case, delivered_on=TODAY, response="Agreed")
    assert statuses(case)["decide"] == "done"


def test_it_uses_a_constant_number_of_queries(case, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        stages(case, TODAY)


def test_it_shows_the_three_stages_on_the_dashboard(owner_client, case):
    page = owner_client.get(f"/cases/{case.public_id}/")
    for title in [b"Send your case", b"Receive the opinion", b"Decide with your doctors"]:
        assert title in page.content
