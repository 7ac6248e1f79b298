"""The comparison table: best values marked only where services differ; stops set apart."""

import datetime

from secondopinion.providers.compare import comparison
from tests.providers.factories import make_service

TODAY = datetime.date(2026, 3, 2)


def cells(table, label):
    row = next(r for r in table.rows if r.label == label)
    return [(c.text, c.best) for c in row.cells]


def test_it_marks_the_cheapest_and_fastest(case):
    make_service(case, name="A", cost_amount=500, turnaround_days=10, doctor_name="Dr. A")
    make_service(case, name="B", cost_amount=200, turnaround_days=20, doctor_name="Dr. B")
    table = comparison(list(case.services.all()), today=TODAY, safe_until=None)
    assert cells(table, "You pay") == [("500.00 USD", False), ("200.00 USD", True)]
    assert [best for _, best in cells(table, "Report expected")] == [True, False]
    assert "no safe-to-wait date yet" in cells(table, "Report expected")[0][0]


def test_it_marks_nothing_when_only_one_value_is_known(case):
    make_service(case, name="A", cost_amount=500)
    make_service(case, name="B")
    table = comparison(list(case.services.all()), today=TODAY, safe_until=None)
    assert cells(table, "You pay") == [("500.00 USD", False), ("Don't know yet", False)]


def test_it_puts_a_stopped_service_last_and_never_best(case):
    make_service(case, name="Nameless", doctor_named="no", cost_amount=1)
    make_service(case, name="A", cost_amount=500, doctor_name="Dr. A")
    make_service(case, name="B", cost_amount=900, doctor_name="Dr. B")
    table = comparison(list(case.services.all()), today=TODAY, safe_until=None)
    assert [c.service.name for c in table.columns] == ["A", "B", "Nameless"]
    assert table.columns[-1].stopped and table.has_stopped
    assert cells(table, "You pay")[2] == ("1.00 USD", False)
    assert cells(table, "You pay")[0][1] is True


def test_it_does_not_compare_prices_in_different_currencies(case):
    make_service(case, name="A", cost_amount=500, currency="EUR")
    make_service(case, name="B", cost_amount=900)
    table = comparison(list(case.services.all()), today=TODAY, safe_until=None)
    assert not any(best for _, best in cells(table, "You pay"))


def test_it_counts_late_reports_against_the_safe_date(case):
    make_service(case, name="A", turnaround_days=40)
    table = comparison(list(case.services.all()), today=TODAY, safe_until=datetime.date(2026, 4, 1))
    assert cells(table, "Report expected")[0][0] == "April 11, 2026 (10 days AFTER your safe date)"


def test_it_leaves_out_closed_services(case):
    make_service(case, name="Gone", status="declined", status_reason="full")
    make_service(case, name="Free", cost_amount=0)
    table = comparison(list(case.services.all()), today=TODAY, safe_until=None)
    assert table.left_out == 1
    assert cells(table, "You pay") == [("Free", False)]
