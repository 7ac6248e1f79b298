"""Reading a document into facts, reviewing them, and the case summary with disagreements."""

import pytest

from secondopinion.pathology.facts import case_summary, fact_review, reading_run, text_segments
from secondopinion.pathology.models import ReportReading, Review
from secondopinion.records.models import Document, TextStatus
from tests.pathology.helpers import REPORT, make_report
from tests.records.helpers import make_document


def test_it_reads_the_facts_of_a_report(case):
    doc = make_report(case)
    reading = doc.pathology_reading
    assert reading.status == ReportReading.Status.DONE
    facts = {f.field: f for f in reading.facts.all()}
    assert facts["pT"].value == "T2"
    assert facts["her2"].status == "derived"
    assert REPORT[facts["pT"].start : facts["pT"].end] == "pT2"
    assert reading.cancer == "breast"


def test_it_is_safe_to_run_twice_and_keeps_reviews(case, owner):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="pT")
    fact_review(fact=fact, action="confirm", user=owner)
    reading_run(document=doc)
    assert doc.pathology_reading.facts.get(field="pT").review == Review.CONFIRMED


def test_changed_text_drops_reviews_only_of_changed_facts(case, owner):
    doc = make_report(case)
    for f in doc.pathology_reading.facts.all():
        fact_review(fact=f, action="confirm", user=owner)
    new_text = REPORT.replace("pT2 pN0", "pT3 pN0")
    Document.objects.filter(pk=doc.pk).update(text=new_text)
    doc.refresh_from_db()
    reading_run(document=doc)
    facts = {f.field: f for f in doc.pathology_reading.facts.all()}
    assert facts["pT"].review == Review.UNREVIEWED
    assert facts["er"].review == Review.CONFIRMED


def test_it_reads_a_plain_text_file_itself(case):
    doc = make_document(case, content=REPORT.encode(), name="report.txt", kind="text")
    reading = reading_run(document=doc)
    assert reading.status == ReportReading.Status.DONE
    assert reading.facts.filter(field="pT").exists()


def test_it_says_so_when_there_is_no_text(case):
    doc = make_document(case, content=b"%PDF-1.4 scan")
    Document.objects.filter(pk=doc.pk).update(text_status=TextStatus.DONE)
    doc.refresh_from_db()
    reading = reading_run(document=doc)
    assert reading.status == ReportReading.Status.NO_TEXT
    assert "scan" in reading.message


def test_it_waits_while_the_pdf_text_is_being_read(case):
    doc = make_document(case)
    Document.objects.filter(pk=doc.pk).update(text_status=TextStatus.PENDING)
    doc.refresh_from_db()
    assert reading_run(document=doc).status == ReportReading.Status.PENDING


def test_a_correction_keeps_the_original_value(case, owner):
    fact = make_report(case).pathology_reading.facts.get(field="pT")
    fact_review(fact=fact, action="correct", corrected_value=" T2a ", user=owner)
    fact.refresh_from_db()
    assert (fact.value, fact.corrected_value, fact.final_value) == ("T2", "T2a", "T2a")
    with pytest.raises(ValueError):
        fact_review(fact=fact, action="correct", corrected_value="  ", user=owner)


def test_the_summary_lists_only_confirmed_facts_with_their_source(case, owner):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="pT")
    fact_review(fact=fact, action="confirm", user=owner)
    rows = {row.field: row for row in case_summary(case)}
    assert rows["pT"].values[0].display == "pT2"
    assert rows["pT"].values[0].facts == [fact]
    assert rows["er"].values == [] and rows["er"].waiting == 1


def test_two_reports_that_disagree_are_both_shown(case, owner):
    first = make_report(case, name="first.pdf")
    second = make_report(case, REPORT.replace("pT2", "pT3") + "\n", name="second.pdf")
    for doc in (first, second):
        fact_review(fact=doc.pathology_reading.facts.get(field="pT"), action="confirm", user=owner)
    row = next(r for r in case_summary(case) if r.field == "pT")
    assert row.disagrees
    assert sorted(v.display for v in row.values) == ["pT2", "pT3"]


def test_text_segments_cover_the_text_exactly_once(case):
    doc = make_report(case)
    reading = doc.pathology_reading
    segments = text_segments(reading, list(reading.facts.all()))
    assert "".join(s.text for s in segments) == reading.text
    assert any(s.fact and s.fact.field == "pT" for s in segments)
