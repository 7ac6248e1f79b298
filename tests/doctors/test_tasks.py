"""The background lookup: stores the card, reports progress, survives offline and failures."""

from __future__ import annotations

import pytest

from secondopinion.doctors.models import CachedAnswer, DoctorResearch, ResearchStatus
from secondopinion.doctors.tasks import doctor_research_run
from tests.doctors.access_makers import make_research

pytestmark = pytest.mark.django_db


def run(research: DoctorResearch) -> DoctorResearch:
    doctor_research_run.call(research.pk)
    research.refresh_from_db()
    return research


def test_it_stores_the_card_and_saves_the_answers(case, registries):
    research = run(make_research(case))
    assert research.status == ResearchStatus.DONE
    assert research.step == "done"
    assert research.finished_at is not None
    assert research.card["trials"]["on_cancer"] == 2
    assert CachedAnswer.objects.count() == registries.call_count


def test_it_answers_a_second_lookup_from_the_database(case, registries):
    run(make_research(case))
    calls = registries.call_count
    again = run(make_research(case, doctor_name="Jane Smith"))
    assert registries.call_count == calls
    assert again.card["sentence"].startswith("Found 31")


def test_it_shows_the_saved_answer_when_offline(case, registries):
    first = run(make_research(case))
    CachedAnswer.objects.update(stored_at=CachedAnswer.objects.first().stored_at.replace(year=2000))
    registries.offline = True
    again = run(make_research(case))
    assert again.card["sentence"] == first.card["sentence"]
    assert again.card["stale"] is True
    assert again.card["looked_up"].startswith("2000-")


def test_it_says_so_when_offline_with_nothing_saved(case, registries):
    registries.offline = True
    research = run(make_research(case))
    assert research.status == ResearchStatus.DONE
    assert research.card["offline"] is True
    assert "no internet connection" in research.card["sentence"]


def test_it_marks_the_lookup_failed_on_an_unexpected_error(case, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("secondopinion.doctors.tasks.doctor_research", broken)
    research = run(make_research(case))
    assert research.status == ResearchStatus.FAILED
    assert "try again" in research.error


def test_it_logs_a_failure_by_id_without_the_doctor_or_the_message(case, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise ValueError("no match for Ada Moreau breast cancer")

    monkeypatch.setattr("secondopinion.doctors.tasks.doctor_research", broken)
    research = run(make_research(case, doctor_name="Ada Moreau"))
    assert research.status == ResearchStatus.FAILED
    assert f"doctor research {research.pk} failed (ValueError)" in caplog.text
    assert "Moreau" not in caplog.text and "cancer" not in caplog.text


def test_it_does_nothing_for_a_deleted_lookup(case):
    doctor_research_run.call(999_999)  # no error
