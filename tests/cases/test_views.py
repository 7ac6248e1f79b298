import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from secondopinion.cases.models import Case
from tests.factories import make_case, make_user

TODAY = timezone.localdate()


def valid_case(**overrides):
    data = {"patient_name": "Ana", "cancer_type": "prostate", "doctor_name": "Ruth Okafor"}
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestCaseCreation:
    def test_it_creates_a_case_for_the_signed_in_person(self, owner_client, owner):
        response = owner_client.post(reverse("cases:new"), valid_case())
        case = Case.objects.get()
        assert case.owner == owner
        assert response["Location"] == reverse("cases:detail", args=[case.public_id])

    def test_it_refuses_a_diagnosis_in_the_future(self, owner_client):
        tomorrow = TODAY + datetime.timedelta(days=1)
        response = owner_client.post(reverse("cases:new"), valid_case(diagnosis_date=tomorrow))
        assert "cannot be in the future" in response.content.decode()
        assert not Case.objects.exists()

    def test_it_refuses_an_unknown_cancer_type(self, owner_client):
        response = owner_client.post(reverse("cases:new"), valid_case(cancer_type="unicorn"))
        assert "Select a valid choice" in response.content.decode()
        assert not Case.objects.exists()

    def test_it_refuses_over_long_text(self, owner_client):
        response = owner_client.post(reverse("cases:new"), valid_case(patient_name="x" * 500))
        assert "at most 120 characters" in response.content.decode()

    def test_it_asks_what_other_means(self, owner_client):
        response = owner_client.post(reverse("cases:new"), valid_case(cancer_type="other"))
        assert "which type" in response.content.decode()

    def test_it_keeps_saved_data_when_an_edit_is_rejected(self, owner_client, case):
        response = owner_client.post(
            reverse("cases:edit", args=[case.public_id]),
            valid_case(patient_name="Changed", diagnosis_date="2999-01-01"),
        )
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.patient_name == "Olive Owner"


@pytest.mark.django_db
class TestTimeline:
    def test_it_drafts_the_question_with_the_doctors_name(self, owner_client, case):
        response = owner_client.get(reverse("cases:timeline", args=[case.public_id]))
        assert "Dear Dr. Grace Local," in response.content.decode()

    def test_it_refuses_a_new_safe_date_in_the_past(self, owner_client, case):
        response = owner_client.post(
            reverse("cases:timeline", args=[case.public_id]),
            {"asked_doctor": "answered", "safe_to_wait_until": TODAY - datetime.timedelta(days=1)},
        )
        assert "already passed" in response.content.decode()
        case.refresh_from_db()
        assert case.safe_to_wait_until is None

    def test_it_keeps_an_unchanged_safe_date_that_has_since_passed(self, owner_client, case):
        passed = TODAY - datetime.timedelta(days=3)
        Case.objects.filter(pk=case.pk).update(safe_to_wait_until=passed)
        response = owner_client.post(
            reverse("cases:timeline", args=[case.public_id]),
            {"asked_doctor": "answered", "safe_to_wait_until": passed, "doctor_answer_notes": "ok"},
        )
        assert response.status_code == 302

    def test_it_records_the_answer_and_counts_days(self, owner_client, case):
        safe = TODAY + datetime.timedelta(days=10)
        owner_client.post(
            reverse("cases:timeline", args=[case.public_id]),
            {"asked_doctor": "asked", "doctor_answer": "can_wait", "safe_to_wait_until": safe},
        )
        case.refresh_from_db()
        assert case.asked_doctor == "answered"
        assert case.days_left == 10
        page = owner_client.get(reverse("cases:detail", args=[case.public_id]))
        assert "10 days left" in page.content.decode()

    def test_a_viewer_can_read_but_not_save(self, client, case, caregiver):
        client.force_login(caregiver)
        assert client.get(reverse("cases:timeline", args=[case.public_id])).status_code == 200
        response = client.post(
            reverse("cases:timeline", args=[case.public_id]), {"asked_doctor": "asked"}
        )
        assert response.status_code == 404

    def test_an_editor_can_save(self, client, case, editor):
        client.force_login(editor)
        response = client.post(
            reverse("cases:timeline", args=[case.public_id]), {"asked_doctor": "asked"}
        )
        assert response.status_code == 302


@pytest.mark.django_db
class TestGoals:
    def test_it_saves_goals_in_the_patients_words(self, owner_client, case):
        owner_client.post(
            reverse("cases:goals", args=[case.public_id]),
            {"treatment_goals": "Cure", "quality_of_life_goals": "Garden", "outcomes_read": "on"},
        )
        case.refresh_from_db()
        assert case.has_goals and case.outcomes_read

    def test_it_explains_both_outcomes_before_any_opinion(self, owner_client, case):
        page = owner_client.get(reverse("cases:goals", args=[case.public_id])).content.decode()
        assert "agrees with your first plan" in page
        assert "suggests something different" in page


@pytest.mark.django_db
class TestDelete:
    def test_only_the_owner_can_delete_and_must_confirm(self, client, case, editor, owner):
        client.force_login(editor)
        assert client.post(reverse("cases:delete", args=[case.public_id])).status_code == 404
        client.force_login(owner)
        client.post(reverse("cases:delete", args=[case.public_id]), {"confirm_name": "nope"})
        assert Case.objects.filter(pk=case.pk).exists()
        client.post(reverse("cases:delete", args=[case.public_id]), {"confirm_name": "Olive Owner"})
        assert not Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db
def test_the_case_list_shows_own_and_shared_cases_only(client, case, caregiver, stranger):
    make_case(stranger, patient_name="Someone Else")
    client.force_login(caregiver)
    page = client.get(reverse("cases:list")).content.decode()
    assert "Olive Owner" in page and "Someone Else" not in page


@pytest.mark.django_db
class TestFirstPage:
    def test_a_newcomer_sees_five_lines_and_one_button(self, client, settings):
        settings.HOSTED = False  # a personal copy names its folder (CI's PostgreSQL run is hosted)
        client.force_login(make_user("new@example.org"))
        page = client.get(reverse("cases:list")).content.decode()
        lines = page.split('id="first-page"')[1].split("</ul>")[0].count("<li>")
        assert lines == 5
        assert "never gives medical advice" in page
        assert str(settings.DATA_DIR) in page
        main = page.split("<main")[1].split("</main>")[0]
        assert main.count('class="button') == 1 and reverse("cases:new") in main

    def test_once_a_case_exists_it_lists_the_cases(self, owner_client, case):
        page = owner_client.get(reverse("cases:list")).content.decode()
        assert 'id="first-page"' not in page and "Olive Owner" in page

    def test_hosted_it_does_not_name_a_folder(self, client, settings):
        settings.HOSTED = True
        client.force_login(make_user("new@example.org"))
        page = client.get(reverse("cases:list")).content.decode()
        assert "organization that runs this site" in page and str(settings.DATA_DIR) not in page
