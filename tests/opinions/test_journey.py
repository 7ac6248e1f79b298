"""The send, receive, decide, handoff and local-answer stages follow the data."""

import datetime

from secondopinion.cases.journey import journey_for
from secondopinion.opinions.journey import stages
from secondopinion.opinions.models import Decision, Handoff
from tests.opinions.factories import make_build, make_opinion
from tests.providers.factories import make_service
from tests.queries import queries

TODAY = datetime.date(2026, 5, 1)


def statuses(case):
    return {s.key: s.status for s in stages(case, TODAY)}


def next_key(case):
    stage = journey_for(case, TODAY).next_stage
    return stage.key if stage else None


def test_it_starts_with_nothing_done(case):
    assert statuses(case) == {
        "send": "todo",
        "receive": "todo",
        "decide": "todo",
        "handoff": "todo",
        "local_answer": "todo",
    }


def test_it_moves_along_as_the_case_is_sent_answered_and_decided(case):
    make_build(case)
    assert statuses(case)["send"] == "started"
    make_opinion(case, stance="confirms")
    assert statuses(case)["receive"] == "done"
    assert statuses(case)["decide"] == "started"
    Decision.objects.create(case=case, choice="Go ahead", decided_on=TODAY)
    assert statuses(case)["decide"] == "done"
    assert statuses(case)["handoff"] == "started"
    handoff = Handoff.objects.create(case=case, delivered_on=TODAY)
    assert statuses(case)["handoff"] == "done"
    assert statuses(case)["local_answer"] == "started"
    handoff.response = "Agreed"
    handoff.save()
    assert statuses(case)["local_answer"] == "done"


def test_the_next_step_moves_forward_to_the_end(case):
    make_opinion(case, stance="confirms", received_on=datetime.date(2026, 4, 20))
    assert next_key(case) == "decide"
    Decision.objects.create(case=case, choice="Go ahead", decided_on=datetime.date(2026, 4, 25))
    assert next_key(case) == "handoff"
    handoff = Handoff.objects.create(case=case, delivered_on=datetime.date(2026, 4, 27))
    assert next_key(case) == "local_answer"
    handoff.response, handoff.response_on = "Agreed", datetime.date(2026, 4, 30)
    handoff.save()
    journey = journey_for(case, TODAY)
    assert journey.next_stage is None
    assert journey.dates == [
        "Opinion received: April 20, 2026",
        "Decision: April 25, 2026",
        "Summary given to your local doctor: April 27, 2026",
        "Your local doctor answered: April 30, 2026",
    ]


def test_a_warning_on_an_earlier_service_does_not_lead_once_an_opinion_is_in(case):
    make_service(case, name="Unnamed Doctors Inc", doctor_named="no", doctor_name="")
    assert next_key(case) == "vet_services"  # the warning leads before anything is sent
    make_opinion(case, stance="confirms")
    assert next_key(case) == "decide"


def test_it_uses_the_same_number_of_queries_for_1_or_10_services_and_opinions(case):
    def add(n: int) -> None:
        for i in range(n):
            service = make_service(case, name=f"Center {i} of {n}")
            make_opinion(case, service=service)

    add(1)
    stages(case, TODAY)  # warm caches (content types)
    one = queries(lambda: stages(case, TODAY))
    add(9)
    assert queries(lambda: stages(case, TODAY)) == one


def test_it_shows_the_stages_on_the_dashboard(owner_client, case):
    page = owner_client.get(f"/cases/{case.public_id}/")
    for title in [
        b"Send your case",
        b"Receive the opinion",
        b"Compare and decide",
        b"Give the summary to your local doctor",
        b"Record your local doctor&#x27;s answer",
    ]:
        assert title in page.content


def test_the_dashboard_says_done_with_the_dates(owner_client, case):
    make_opinion(case, stance="confirms", received_on=datetime.date(2026, 4, 20))
    Decision.objects.create(case=case, choice="Go ahead")
    Handoff.objects.create(case=case, delivered_on=datetime.date(2026, 4, 27), response="Fine")
    page = owner_client.get(f"/cases/{case.public_id}/").content.decode()
    assert "The journey is complete" in page
    assert "Opinion received: April 20, 2026" in page
    assert "Summary given to your local doctor: April 27, 2026" in page
