"""iCalendar export of case dates."""

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar

from secondopinion.opinions.calendar import CalendarItem, calendar_ics


def test_it_exports_all_day_and_timed_events_with_stable_uids():
    items = [
        CalendarItem("safe-to-wait", "Safe to wait until", date(2026, 4, 1)),
        CalendarItem(
            "call-1",
            "Call with Dr. Moreau",
            datetime(2026, 3, 20, 15, tzinfo=UTC),
            location="Phone",
        ),
    ]
    first = Calendar.from_ical(calendar_ics(items=items, case_key="abc"))
    again = Calendar.from_ical(calendar_ics(items=items, case_key="abc"))
    events = first.walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Safe to wait until", "Call with Dr. Moreau"]
    assert events[0].decoded("dtstart") == date(2026, 4, 1)
    assert events[1].decoded("dtend") == datetime(2026, 3, 20, 15, 30, tzinfo=UTC)
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in again.walk("VEVENT")]


def test_it_adds_reminders_before_the_safe_date_links_and_calls():
    items = [
        CalendarItem("safe-to-wait", "Safe to wait until", date(2026, 4, 1)),
        CalendarItem("link-x", "Share link expires", date(2026, 3, 30)),
        CalendarItem("call-1", "Call", datetime(2026, 3, 20, 15, tzinfo=UTC)),
        CalendarItem("report-due-1", "Report expected", date(2026, 3, 25)),
    ]
    events = Calendar.from_ical(calendar_ics(items=items, case_key="abc")).walk("VEVENT")
    triggers = [[a.decoded("trigger") for a in e.walk("VALARM")] for e in events]
    assert triggers[0] == [-timedelta(days=3)]
    assert triggers[1] == [-timedelta(days=2)]
    assert triggers[2] == [-timedelta(days=1), -timedelta(hours=1)]
    assert triggers[3] == []
