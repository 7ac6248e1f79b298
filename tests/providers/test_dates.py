"""Date conflicts: one table row per conflict and its edges."""

from datetime import date

import pytest

from secondopinion.providers.dates import LinkDates, ServiceDates, date_conflicts

SAFE = date(2026, 4, 1)


def codes(**kw):
    kw.setdefault("safe_to_wait_until", SAFE)
    kw.setdefault("treatment_start", None)
    return [c.code for c in date_conflicts(**kw)]


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"treatment_start": date(2026, 4, 2)}, ["treatment_after_safe_date"]),
        ({"treatment_start": SAFE}, []),  # on the safe date is fine
        ({"treatment_start": date(2026, 4, 2), "safe_to_wait_until": None}, []),
        (
            {"services": [ServiceDates("A", expected_report=date(2026, 4, 2))]},
            ["report_after_safe_date"],
        ),
        ({"services": [ServiceDates("A", expected_report=SAFE)]}, []),
        ({"services": [ServiceDates("A", call_on=date(2026, 4, 3))]}, ["call_after_safe_date"]),
        ({"services": [ServiceDates("A", call_on=SAFE)]}, []),
        # A link must outlive the expected report by the margin (7 days).
        (
            {"links": [LinkDates("k", "A", date(2026, 3, 20), date(2026, 3, 20))]},
            ["link_expires_before_report"],
        ),
        (
            {"links": [LinkDates("k", "A", date(2026, 3, 26), date(2026, 3, 20))]},
            ["link_expires_before_report"],
        ),
        ({"links": [LinkDates("k", "A", date(2026, 3, 27), date(2026, 3, 20))]}, []),
        ({"links": [LinkDates("k", "A", date(2026, 3, 1), None)]}, []),  # no expected date known
    ],
)
def test_it_finds_each_conflict_and_stays_quiet_on_the_edges(kw, expected):
    assert codes(**kw) == expected


def test_it_explains_in_plain_words_with_both_dates():
    [conflict] = date_conflicts(safe_to_wait_until=SAFE, treatment_start=date(2026, 4, 8))
    assert "April 8, 2026" in conflict.message and "April 1, 2026" in conflict.message
    assert "7 days after" in conflict.message


def test_it_offers_to_extend_the_link_it_names():
    [conflict] = date_conflicts(
        safe_to_wait_until=None,
        treatment_start=None,
        links=[LinkDates("abc", "Hope", date(2026, 3, 20), date(2026, 3, 20))],
    )
    assert conflict.link_key == "abc" and "March 27, 2026" in conflict.message
