import datetime

import pytest

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, case_stages

TODAY = datetime.date(2026, 12, 1)


def stage(case, key):
    return next(s for s in case_stages(case, TODAY) if s.key == key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({}, TODO),
        ({"asked_doctor": "asked"}, STARTED),
        ({"asked_doctor": "answered"}, STARTED),
        ({"doctor_answer": "should_not_wait"}, ATTENTION),
        ({"safe_to_wait_until": TODAY}, DONE),
        ({"safe_to_wait_until": TODAY - datetime.timedelta(days=1)}, ATTENTION),
    ],
)
def test_the_timeline_stage_follows_the_data(case, fields, status):
    for name, value in fields.items():
        setattr(case, name, value)
    assert stage(case, "timeline").status == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({}, TODO),
        ({"treatment_goals": "cure"}, STARTED),
        ({"outcomes_read": True}, STARTED),
        ({"quality_of_life_goals": "work", "outcomes_read": True}, DONE),
        ({"treatment_goals": "   ", "outcomes_read": True}, STARTED),
    ],
)
def test_the_goals_stage_follows_the_data(case, fields, status):
    for name, value in fields.items():
        setattr(case, name, value)
    assert stage(case, "goals").status == status


@pytest.mark.django_db
def test_days_left_is_none_without_a_date_and_counts_otherwise(case):
    assert case.days_left_from(TODAY) is None
    case.safe_to_wait_until = TODAY + datetime.timedelta(days=5)
    assert case.days_left_from(TODAY) == 5
