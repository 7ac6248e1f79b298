"""The service edit form: a booked call with the reviewing doctor, and its date checks."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from secondopinion.providers.forms import ServiceForm, booked_call_error
from tests.providers.factories import make_service
from tests.providers.test_views import edit_data


def local_text(days_from_today: int, hour: int = 15) -> str:
    """The value a datetime-local picker posts, `days_from_today` days away."""
    day = timezone.localdate() + datetime.timedelta(days=days_from_today)
    return f"{day.isoformat()}T{hour:02d}:00"


def test_it_saves_a_booked_call_in_the_site_time_zone(case, settings):
    service = make_service(case)
    form = ServiceForm(
        edit_data(service, call_at=local_text(10), call_note="video call"), instance=service
    )
    assert form.is_valid(), form.errors
    saved = form.save()
    expected_day = timezone.localdate() + datetime.timedelta(days=10)
    local = saved.call_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    assert (local.date(), local.hour, local.minute) == (expected_day, 15, 0)
    assert saved.call_note == "video call"


def test_it_leaves_the_call_empty_when_none_is_booked(case):
    service = make_service(case)
    form = ServiceForm(edit_data(service), instance=service)
    assert form.is_valid(), form.errors
    assert form.save().call_at is None


def test_it_accepts_a_call_held_before_the_case_was_started(case):
    service = make_service(case)
    form = ServiceForm(edit_data(service, call_at=local_text(-200)), instance=service)
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("not a date", "Enter a valid date/time."),
        ("2026-02-30T10:00", "Enter a valid date/time."),
        (local_text(-400), "more than a year before you started this case"),
        (local_text(800), "more than 2 years from now"),
        ("1926-12-03T15:00", "Please check the year."),
    ],
)
def test_it_refuses_a_call_date_that_cannot_be_right(case, value, message):
    service = make_service(case)
    form = ServiceForm(edit_data(service, call_at=value), instance=service)
    assert not form.is_valid()
    assert message in " ".join(form.errors["call_at"])


def test_it_checks_call_dates_against_the_case_start_and_today():
    created = datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC)
    now = datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)
    ok = created - datetime.timedelta(days=365)
    assert booked_call_error(ok, case_created=created, now=now) is None
    too_old = ok - datetime.timedelta(minutes=1)
    assert "year before" in booked_call_error(too_old, case_created=created, now=now)
    assert (
        booked_call_error(now + datetime.timedelta(days=730), case_created=created, now=now) is None
    )
    too_far = now + datetime.timedelta(days=731)
    assert "2 years" in booked_call_error(too_far, case_created=created, now=now)
