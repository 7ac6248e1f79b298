"""Rule inputs gathered from the service, the case and the other apps."""

import datetime

from secondopinion.doctors.models import DoctorResearch, ResearchStatus
from secondopinion.providers.facts import facts_for_services, missing_records_for, service_facts
from secondopinion.providers.rules import TODO, UNKNOWN, YES, service_flags
from tests.factories import make_case
from tests.providers.factories import make_service
from tests.queries import queries


def test_it_reads_the_safe_date_from_the_case(case):
    case.safe_to_wait_until = datetime.date(2026, 5, 1)
    case.save()
    facts = service_facts(make_service(case))
    assert facts.safe_to_wait_until == datetime.date(2026, 5, 1)


def test_it_counts_any_inclusion_as_known(case):
    assert service_facts(make_service(case)).includes_known is False
    assert service_facts(make_service(case, included_calls=0)).includes_known is True


def test_it_treats_a_read_agreement_as_received(case):
    facts = service_facts(make_service(case, agreement_read=YES))
    assert facts.agreement_received == YES


def test_it_asks_the_records_app_what_is_missing(case):
    service = make_service(case, records_needed=["pathology_report"])
    assert missing_records_for(service) == ("Pathology report",)
    flags = service_flags(service_facts(service), today=datetime.date(2026, 3, 2))
    assert any(f.severity == TODO and "Pathology report" in f.reason for f in flags)


def test_it_skips_the_vault_when_nothing_was_asked(case, django_assert_num_queries):
    service = make_service(case)
    with django_assert_num_queries(0):
        assert missing_records_for(service) == ()


def test_it_gathers_1_or_10_services_in_the_same_queries(case):
    services = [make_service(case, name=f"S{n}", doctor_name=f"Dr. {n}") for n in range(10)]
    facts_for_services(services[:1])  # warm caches (content types)
    one = queries(lambda: facts_for_services(services[:1]))
    assert queries(lambda: facts_for_services(services)) == one
    facts = facts_for_services(services)
    assert [f.doctor_cancer_record for f in facts] == [UNKNOWN] * 10


def test_it_ignores_a_doctor_lookup_stored_in_another_case(case, stranger):
    service = make_service(case, doctor_name="Dr. Ada Moreau")
    other = make_case(stranger, patient_name="Someone Else")
    DoctorResearch.objects.create(
        case=other,
        service_id=service.public_id,
        doctor_name="Ada Moreau",
        status=ResearchStatus.DONE,
        card={"pubmed": {"on_cancer": 3}},
    )
    assert service_facts(service).doctor_cancer_record == UNKNOWN
    assert facts_for_services([service])[0].doctor_cancer_record == UNKNOWN
    DoctorResearch.objects.filter(case=other).update(case=case)
    assert service_facts(service).doctor_cancer_record == YES
