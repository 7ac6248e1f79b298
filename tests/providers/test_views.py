"""Service pages: add from a center or by hand, answers with validation, flags, script, compare."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from secondopinion.centers.models import Center
from secondopinion.providers.models import Service
from tests.factories import make_case
from tests.providers.factories import make_service
from tests.queries import queries


def url(name, case, service=None):
    args = [case.public_id] + ([service.public_id] if service else [])
    return reverse(f"providers:{name}", args=args)


def edit_data(service, **changes):
    """Everything the edit form posts, starting from the service as saved."""
    data = {
        "name": service.name,
        "status": service.status,
        "currency": service.currency,
        "doctor_named": service.doctor_named,
        "includes_video": "unknown",
        "insurance": "unknown",
        "financial_help": "unknown",
        "extra_communication_charge": "unknown",
        "talks_to_local_doctor": "unknown",
        "turnaround_kind": "calendar",
        "written_report": "unknown",
        "delivers_call": "unknown",
        "delivers_copy_to_local": "unknown",
        "agreement_received": "unknown",
        "agreement_read": "unknown",
        "agreement_signed": "unknown",
        "payment_made": "unknown",
    }
    data.update(changes)
    return data


def test_it_lists_no_services_with_a_way_to_start(owner_client, case):
    page = owner_client.get(url("list", case)).content.decode()
    assert "No services yet" in page
    assert f"?case={case.public_id}" in page


def test_it_adds_a_service_from_a_center(owner_client, case, directory):
    center = Center.objects.get(city="Boston")
    page = owner_client.get(url("new", case), {"center": center.key}).content.decode()
    assert center.name in page
    response = owner_client.post(url("new", case), {"name": center.name, "center": center.key})
    service = Service.objects.get(case=case)
    assert service.center == center
    assert response.url == url("edit", case, service)


def test_it_adds_a_service_by_hand(owner_client, case):
    owner_client.post(url("new", case), {"name": "Commercial Opinions Inc."})
    service = Service.objects.get(case=case)
    assert service.center is None
    assert service.worst_flag == "ask"  # rules ran on save: the doctor's name is still unknown


def test_it_refuses_a_nameless_service(owner_client, case):
    response = owner_client.post(url("new", case), {"name": ""})
    assert response.status_code == 200
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("cost_amount", "-5", "cannot be below zero"),
        ("cost_amount", "5000000", "Please check the number"),
        ("turnaround_days", "-1", "cannot be below zero"),
        ("turnaround_days", "900", "more than a year"),
        ("included_calls", "99", "from 0 to 50"),
        ("currency", "U5D", "3-letter"),
        ("cost_amount", "abc", "Enter a number"),
    ],
)
def test_it_refuses_absurd_numbers_with_a_message(owner_client, case, field, value, message):
    service = make_service(case)
    response = owner_client.post(url("edit", case, service), edit_data(service, **{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()


def test_it_needs_a_reason_to_rule_a_service_out(owner_client, case):
    service = make_service(case)
    response = owner_client.post(url("edit", case, service), edit_data(service, status="ruled_out"))
    assert "Please write a few words on why" in response.content.decode()
    owner_client.post(
        url("edit", case, service), edit_data(service, status="ruled_out", status_reason="Too slow")
    )
    service.refresh_from_db()
    assert (service.status, service.status_reason) == ("ruled_out", "Too slow")


def test_it_refuses_a_name_together_with_they_will_not_name(owner_client, case):
    service = make_service(case)
    data = edit_data(service, doctor_named="no", doctor_name="Dr. Who")
    assert (
        "If they told you" in owner_client.post(url("edit", case, service), data).content.decode()
    )


def test_it_saves_answers_runs_the_rules_and_shows_the_stop(owner_client, case):
    service = make_service(case)
    owner_client.post(
        url("edit", case, service),
        edit_data(
            service, doctor_named="no", cost_amount="750", records_needed=["pathology_report"]
        ),
    )
    service.refresh_from_db()
    assert service.cost_amount == 750
    assert service.records_needed == ["pathology_report"]
    assert service.worst_flag == "stop"
    page = owner_client.get(url("detail", case, service)).content.decode()
    assert "Stop:" in page and "Do not go ahead or pay" in page
    assert "Step 3" in page


def test_it_gives_a_script_of_only_the_unknowns_with_the_cancer(owner_client, case):
    service = make_service(case, cost_amount=100, doctor_name="Dr. Ada")
    page = owner_client.get(url("questions", case, service)).content.decode()
    assert "breast cancer" in page.lower()
    assert "How much would I pay" not in page
    assert "Which doctor would review my case" not in page
    assert "Where does Dr. Ada work now?" in page


def test_each_compared_answer_carries_its_service_name_for_a_phone(owner_client, case):
    make_service(case, name="Lakeside Review", turnaround_days=10)
    page = owner_client.get(url("compare", case)).content.decode()
    assert 'class="compare compare-stack"' in page
    assert page.count('data-label="Lakeside Review"') >= 5  # every row, the warnings too


def test_it_compares_side_by_side_marks_the_best_and_sets_the_stop_apart(owner_client, case):
    case.safe_to_wait_until = datetime.date.today() + datetime.timedelta(days=20)
    case.save()
    stopped = make_service(case, name="Nameless Reviews", doctor_named="no", cost_amount=100)
    make_service(case, name="Cheap Clinic", doctor_name="Dr. A", cost_amount=300, turnaround_days=5)
    make_service(case, name="Dear Clinic", doctor_name="Dr. B", cost_amount=900, turnaround_days=30)
    page = owner_client.get(url("compare", case)).content.decode()
    # Stopped column last, labelled; best cost among the others is the cheaper one.
    assert page.index("Cheap Clinic") < page.index("Dear Clinic") < page.index(stopped.name)
    assert "Stop: do not go ahead" in page
    assert '300.00 USD <strong class="best-mark">Best</strong>' in page
    assert "100.00 USD <strong" not in page
    assert "AFTER your safe date" in page
    assert 'id="timeline"' in page and "Safe to wait until" in page


def test_it_leaves_ruled_out_services_out_of_the_comparison(owner_client, case):
    make_service(case, name="Gone", status="ruled_out", status_reason="Too far")
    page = owner_client.get(url("compare", case)).content.decode()
    assert "1 service you declined or ruled out is not shown" in page


def test_it_lets_a_caregiver_look_but_not_edit(client, case, caregiver):
    service = make_service(case)
    client.force_login(caregiver)
    assert client.get(url("detail", case, service)).status_code == 200
    assert client.get(url("compare", case)).status_code == 200
    assert client.get(url("edit", case, service)).status_code == 404
    assert client.post(url("new", case), {"name": "X"}).status_code == 404


def test_it_hides_services_from_a_stranger(client, case, stranger):
    service = make_service(case)
    client.force_login(stranger)
    for name in ("detail", "edit", "questions"):
        assert client.get(url(name, case, service)).status_code == 404
    for name in ("list", "compare", "new"):
        assert client.get(url(name, case)).status_code == 404


def test_it_404s_a_service_of_another_case(owner_client, owner, case):
    other = make_service(make_case(owner))
    assert (
        owner_client.get(
            reverse("providers:detail", args=[case.public_id, other.public_id])
        ).status_code
        == 404
    )
    assert (
        owner_client.get(
            reverse("providers:detail", args=[case.public_id, uuid.uuid4()])
        ).status_code
        == 404
    )


def test_it_lists_1_or_10_services_in_the_same_queries(owner_client, case):
    make_service(case, name="Service 0")
    owner_client.get(url("list", case))  # warm caches (content types, session)
    one = queries(lambda: owner_client.get(url("list", case)))
    for n in range(1, 10):
        make_service(case, name=f"Service {n}")
    assert queries(lambda: owner_client.get(url("list", case))) == one


def test_it_offers_to_research_the_named_doctor(owner_client, case):
    service = make_service(case, doctor_name="Dr. Ada Lovelace", doctor_named="yes")
    page = owner_client.get(url("detail", case, service)).content.decode()
    assert "Research Dr. Ada Lovelace" in page
    compare = owner_client.get(url("compare", case)).content.decode()
    assert "Research Dr. Ada Lovelace" in compare


def test_it_shows_the_booked_call_on_the_service_page(owner_client, case):
    service = make_service(case)
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = owner_client.post(
        url("edit", case, service),
        edit_data(service, call_at=f"{day.isoformat()}T09:30", call_note="video call"),
    )
    assert response.status_code == 302
    page = owner_client.get(url("detail", case, service)).content.decode()
    assert f"{day:%B} {day.day}, {day.year}, 9:30 AM" in page
    assert "(video call)" in page and "your calendar file" in page


def test_it_names_the_bad_call_date_on_the_edit_page(owner_client, case):
    service = make_service(case)
    response = owner_client.post(
        url("edit", case, service), edit_data(service, call_at="3026-01-01T10:00")
    )
    assert response.status_code == 200
    assert "more than 2 years from now" in response.content.decode()
    service.refresh_from_db()
    assert service.call_at is None
