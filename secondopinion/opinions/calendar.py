"""iCalendar (.ics) export of a case's dates, built with the `icalendar` package.

Pure core: no Django. The caller passes plain items (safe-to-wait date, calls, records sent,
expected report dates, treatment start); each becomes one event. Reminders (VALARM) come a few
days before the safe-to-wait date, before each share link expires and before each booked call. Whole-day items become all-day
events; items with a time become 30-minute events unless an end is given. UIDs are stable for a
given case and item, so importing the file again updates events instead of duplicating them.
Event text stays generic on purpose: calendars get synced to phones and shared, so we put no
diagnosis in them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import Alarm, Calendar, Event

PRODID = "-//Second Opinion Navigator//Case dates//EN"


@dataclass(frozen=True)
class CalendarItem:
    key: str  # stable within the case: "safe-to-wait", "call-<id>"...
    title: str
    when: date | datetime
    end: datetime | None = None
    description: str = ""
    location: str = ""
    # Reminders before the event (VALARM); None means the default for its kind (REMINDERS).
    reminders: tuple[timedelta, ...] | None = None


# Default reminders by item kind (the key's prefix): a few days before the safe-to-wait date,
# before each share link expires, and before each booked call.
REMINDERS: dict[str, tuple[timedelta, ...]] = {
    "safe-to-wait": (timedelta(days=3),),
    "link-": (timedelta(days=2),),
    "call-": (timedelta(days=1), timedelta(hours=1)),
}


def item_reminders(item: CalendarItem) -> tuple[timedelta, ...]:
    if item.reminders is not None:
        return item.reminders
    for prefix, before in REMINDERS.items():
        if item.key.startswith(prefix):
            return before
    return ()


def _alarm(item: CalendarItem, before: timedelta) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Reminder: {item.title}")
    alarm.add("trigger", -before)
    return alarm


def calendar_ics(
    *, items: Sequence[CalendarItem], case_key: str, name: str = "Second opinion"
) -> bytes:
    """The .ics bytes for `items`; `case_key` (e.g. the case's public id) scopes the UIDs."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in items:
        event = Event()
        event.add("uid", f"{item.key}.{case_key}@secondopinion.local")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if isinstance(item.when, datetime):
            start = item.when if item.when.tzinfo else item.when.replace(tzinfo=UTC)
            event.add("dtstart", start)
            event.add("dtend", item.end or start + timedelta(minutes=30))
        else:
            event.add("dtstart", item.when)
            event.add("dtend", item.when + timedelta(days=1))
            event.add("transp", "TRANSPARENT")  # an all-day marker should not block the day
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        for before in item_reminders(item):
            event.add_component(_alarm(item, before))
        cal.add_component(event)
    return bytes(cal.to_ical())
