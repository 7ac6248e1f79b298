"""The "gather records" stage, derived from the vault."""

import datetime

from secondopinion.providers.models import Service
from secondopinion.records.journey import stages
from secondopinion.records.models import DiscImport
from tests.queries import queries
from tests.records.helpers import make_document

TODAY = datetime.date(2026, 4, 1)


def test_it_starts_as_not_started(case):
    [stage] = stages(case, TODAY)
    assert (stage.status, stage.order) == ("todo", 50)


def test_it_is_started_while_records_are_missing(case):
    make_document(case)
    Service.objects.create(
        case=case, name="Center", records_needed=["pathology_report", "lab_results"]
    )
    [stage] = stages(case, TODAY)
    assert stage.status == "started"
    assert "Lab results" in stage.summary


def test_it_is_done_when_every_asked_record_is_held(case):
    make_document(case)
    Service.objects.create(case=case, name="Center", records_needed=["pathology_report"])
    [stage] = stages(case, TODAY)
    assert stage.status == "done"


def test_it_needs_attention_when_a_disc_may_be_someone_elses(case):
    make_document(case)
    DiscImport.objects.create(
        case=case,
        source_name="cd.zip",
        status="done",
        warnings=["This disc holds scans of 2 people"],
    )
    [stage] = stages(case, TODAY)
    assert stage.status == "attention"


def test_it_uses_the_same_number_of_queries_for_1_or_10_services_and_documents(case):
    def add(n: int) -> None:
        for i in range(n):
            Service.objects.create(case=case, name="Center", records_needed=["pathology_report"])
            make_document(case, content=f"%PDF-1.4 {i} {n}".encode(), name=f"d{i}-{n}.pdf")

    add(1)
    stages(case, TODAY)  # warm caches (content types)
    one = queries(lambda: stages(case, TODAY))
    add(9)
    assert queries(lambda: stages(case, TODAY)) == one
