"""Red-flag rules: one table row per rule and its edges."""

from dataclasses import replace
from datetime import date

import pytest

from secondopinion.providers.rules import (
    ASK,
    BUSINESS,
    NO,
    NOTE,
    STOP,
    TODO,
    WARNING,
    YES,
    ServiceFacts,
    add_business_days,
    expected_report_date,
    service_flags,
    worst_severity,
)

TODAY = date(2026, 3, 2)  # a Monday

# A service where everything is answered and fine: no flags at all.
GOOD = ServiceFacts(
    name="Good Service",
    status="contacted",
    doctor_name="Dr. Ada Lovelace",
    doctor_named=YES,
    cost_amount=500.0,
    includes_known=True,
    written_report=YES,
    talks_to_local_doctor=YES,
    turnaround_days=10,
    safe_to_wait_until=date(2026, 4, 1),
    agreement_read=YES,
    agreement_signed=NO,
    payment_made=NO,
    doctor_institution="Halvorsen University Cancer Institute",
    doctor_cancer_record=YES,
    insurance=NO,
    financial_help=NO,
    delivers_call=YES,
    extra_communication_charge=NO,
    local_doctor_charge_known=True,
    records_needed_known=True,
    send_methods_known=True,
    agreement_questions_written=True,
)


def codes(facts: ServiceFacts, today: date = TODAY) -> dict[str, str]:
    return {f.code: f.severity for f in service_flags(facts, today=today)}


def test_it_raises_nothing_for_a_fully_answered_good_service():
    assert service_flags(GOOD, today=TODAY) == []


@pytest.mark.parametrize(
    ("changes", "code", "severity"),
    [
        # Step 3: the reviewing doctor.
        ({"doctor_name": "", "doctor_named": NO}, "doctor_not_named", STOP),
        ({"doctor_name": "", "doctor_named": "unknown"}, "doctor_name_unknown", ASK),
        (
            {"doctor_name": "  ", "doctor_named": "unknown", "status": "agreed"},
            "doctor_not_named",
            STOP,
        ),
        (
            {
                "doctor_name": "",
                "doctor_named": "unknown",
                "payment_made": YES,
                "agreement_read": YES,
            },
            "doctor_not_named",
            STOP,
        ),
        (
            {"doctor_name": "", "doctor_named": "unknown", "agreement_signed": YES},
            "doctor_not_named",
            STOP,
        ),
        # Doctors app: nothing found on this cancer under the doctor's name -> ask about experience.
        ({"doctor_cancer_record": NO}, "doctor_cancer_experience_unknown", ASK),
        # Step 6: written report.
        ({"written_report": NO}, "no_written_report", WARNING),
        ({"written_report": "unknown"}, "written_report_unknown", ASK),
        # Timeline: expected date against the safe-to-wait date (calendar days from today).
        ({"turnaround_days": 31}, "report_after_safe_date", WARNING),  # 2 April, one day late
        ({"turnaround_days": None}, "turnaround_unknown", ASK),
        ({"safe_to_wait_until": None}, "safe_date_unknown", NOTE),
        # From the records-sent date when known.
        ({"records_sent_on": date(2026, 3, 25)}, "report_after_safe_date", WARNING),
        # Business days: 10 business days from Monday 23 March is Monday 6 April.
        (
            {"records_sent_on": date(2026, 3, 23), "turnaround_kind": BUSINESS},
            "report_after_safe_date",
            WARNING,
        ),
        # Step 7: agreement.
        ({"payment_made": YES, "agreement_read": NO}, "committed_before_reading", WARNING),
        (
            {"agreement_signed": YES, "agreement_read": "unknown"},
            "committed_before_reading",
            WARNING,
        ),
        # Step 2: cost.
        ({"cost_amount": None}, "cost_unknown", ASK),
        ({"includes_known": False}, "inclusions_unknown", ASK),
        # Step 2: insurance, financial help, report plus call, later communication.
        ({"insurance": "unknown"}, "insurance_unknown", ASK),
        ({"financial_help": "unknown"}, "financial_help_unknown", ASK),
        ({"delivers_call": "unknown"}, "report_and_call_unknown", ASK),
        ({"extra_communication_charge": "unknown"}, "extra_communication_unknown", ASK),
        # Step 3: where the doctor works now; refusing is a stop like refusing the name.
        ({"doctor_institution": ""}, "doctor_employer_unknown", ASK),
        (
            {"doctor_institution": "", "doctor_institution_given": NO},
            "doctor_employer_refused",
            STOP,
        ),
        # Step 3a: research on the doctor, until something is found or an award is noted.
        ({"doctor_cancer_record": "unknown"}, "doctor_research_todo", TODO),
        # An agreement that withholds the name is a stop, even before the service answers.
        ({"doctor_name": "", "agreement_withholds_name": True}, "agreement_withholds_name", STOP),
        ({"agreement_unfavourable": ("data_use",)}, "agreement_unfavourable", WARNING),
        # Step 4: local doctor.
        ({"talks_to_local_doctor": NO}, "no_local_doctor_talk", NOTE),
        # No talk: its charge is not asked as well.
        (
            {"talks_to_local_doctor": NO, "local_doctor_charge_known": False},
            "no_local_doctor_talk",
            NOTE,
        ),
        ({"talks_to_local_doctor": "unknown"}, "local_doctor_unknown", ASK),
        ({"local_doctor_charge_known": False}, "local_doctor_charge_unknown", ASK),
        # Step 5: which records and how to send them, until they are sent.
        ({"records_needed_known": False}, "records_needed_unknown", ASK),
        ({"send_methods_known": False}, "send_methods_unknown", ASK),
        # Step 7: a prompt before signing, a warning when agreed without it.
        ({"agreement_read": NO}, "read_before_signing", ASK),
        ({"agreement_read": "unknown"}, "read_before_signing", ASK),
        ({"status": "agreed", "agreement_read": NO}, "agreed_without_agreement", WARNING),
        ({"agreement_questions_written": False}, "agreement_questions_unasked", TODO),
        # Step 5: records.
        ({"missing_records": ("pathology slides",)}, "records_missing", TODO),
    ],
)
def test_it_raises_each_rule(changes, code, severity):
    assert codes(replace(GOOD, **changes)) == {code: severity}


@pytest.mark.parametrize(
    "changes",
    [
        {"turnaround_days": 30},  # lands exactly on 1 April, the safe date: fine
        {"turnaround_days": 0},  # same day
        {"records_sent_on": date(2026, 3, 18), "turnaround_kind": BUSINESS},  # 10 bd -> 1 April
        {"status": "report_received", "turnaround_days": 90},  # report already here
        {"doctor_cancer_record": "unknown", "doctor_awards_noted": True},  # awards count
        {"doctor_cancer_record": NO, "doctor_awards_noted": True},
        {"status": "agreed", "agreement_signed": YES},  # agreed after reading and signing
        {"insurance": "covers", "financial_help": "unknown"},  # help not needed when covered
        {"cost_amount": 0.0, "insurance": "unknown", "financial_help": "unknown"},  # free
        # Questions about the price no longer matter once paid; records ones once sent.
        {"payment_made": YES, "insurance": "unknown", "delivers_call": "unknown"},
        {"status": "records_sent", "agreement_signed": YES, "records_needed_known": False},
        {"agreement_unfavourable": ("refund",), "payment_made": YES},
        {"cost_amount": 0.0},  # free is a known cost
        {"payment_made": YES, "agreement_read": YES},  # paid after reading
        {"doctor_named": NO, "doctor_name": "Dr. Named Later"},  # a name wins over an old "no"
        {"missing_records": ()},
        {"doctor_cancer_record": YES},
    ],
)
def test_it_stays_quiet_on_the_edges(changes):
    assert codes(replace(GOOD, **changes)) == {}


def test_it_gives_both_dates_when_the_report_is_late():
    flags = service_flags(replace(GOOD, turnaround_days=31), today=TODAY)
    assert "Thursday April 2, 2026" in flags[0].reason
    assert "Wednesday April 1, 2026" in flags[0].reason
    assert "1 day after" in flags[0].reason


def test_it_names_the_missing_records():
    flags = service_flags(
        replace(GOOD, missing_records=("pathology slides", "CT scans")), today=TODAY
    )
    assert "pathology slides, CT scans" in flags[0].reason


@pytest.mark.parametrize("status", ["declined", "ruled_out"])
def test_it_stays_quiet_for_services_the_patient_stepped_away_from(status):
    assert (
        service_flags(replace(GOOD, status=status, doctor_named=NO, doctor_name=""), today=TODAY)
        == []
    )


def test_it_sorts_most_serious_first_and_names_the_guide_step():
    flags = service_flags(
        replace(
            GOOD,
            doctor_name="",
            doctor_named=NO,
            missing_records=("x",),
            cost_amount=None,
            written_report=NO,
        ),
        today=TODAY,
    )
    assert [f.severity for f in flags] == [STOP, WARNING, ASK, TODO]
    assert worst_severity(flags) == STOP
    assert flags[0].guide_step.startswith("Step 3")
    assert flags[0].severity_label == "Stop"
    assert worst_severity([]) is None


def test_it_counts_from_today_when_records_are_not_sent():
    assert expected_report_date(replace(GOOD, turnaround_days=3), today=TODAY) == date(2026, 3, 5)
    assert expected_report_date(replace(GOOD, turnaround_days=None), today=TODAY) is None


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 2), 0, date(2026, 3, 2)),
        (date(2026, 3, 2), 4, date(2026, 3, 6)),  # Mon + 4 = Fri
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Fri + 1 = Mon
        (date(2026, 3, 7), 1, date(2026, 3, 9)),  # Sat + 1 = Mon
        (date(2026, 3, 8), 5, date(2026, 3, 13)),  # Sun + 5 = Fri
        (date(2026, 3, 2), 10, date(2026, 3, 16)),
        (date(2026, 3, 4), 23, date(2026, 4, 6)),
    ],
)
def test_it_skips_weekends_for_business_days(start, days, expected):
    assert add_business_days(start, days) == expected
