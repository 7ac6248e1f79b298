"""The patient's pages: packet preview and build, links and their log, opinions, compare and
decide, questions, handoff and calendar."""

import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar
from pypdf import PdfReader

from secondopinion.opinions import readings
from secondopinion.opinions.models import (
    Decision,
    Handoff,
    Opinion,
    PacketBuild,
    PatientQuestion,
    ShareLink,
)
from secondopinion.opinions.services import packet_build
from secondopinion.opinions.services.handoff import handoff_data, handoff_for
from secondopinion.records.models import Document
from tests.opinions.factories import make_build, make_link, make_opinion, tiny_pdf, vault_item
from tests.providers.factories import make_service
from tests.queries import queries


@pytest.fixture
def service(case):
    return make_service(case, doctor_name="Ada Moreau", doctor_institution="Lakeside Cancer Center")


@pytest.fixture
def vault(tmp_path, monkeypatch):
    items = [
        vault_item(tmp_path / "vault", "Biopsy report.pdf", tiny_pdf("Biopsy")),
        vault_item(tmp_path / "vault", "CT report.pdf", tiny_pdf("CT"), kind="imaging_report"),
    ]
    monkeypatch.setattr(packet_build, "vault_items", lambda case: items)
    return items


def url(name, case, *args):
    return reverse(f"opinions:{name}", args=[case.public_id, *args])


def test_it_previews_the_packet_and_builds_it_in_the_background(
    owner_client, case, service, vault, django_capture_on_commit_callbacks
):
    page = owner_client.get(url("packet_preview", case, service.public_id))
    assert b"Biopsy report" in page.content and b"CT report" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("packet_preview", case, service.public_id), {"include": ["doc:Biopsy report.pdf"]}
        )
    build = PacketBuild.objects.get()
    assert response.url == url("packet_status", case, build.public_id)
    assert build.status == "done" and build.excluded == ["doc:CT report.pdf"]
    download = owner_client.get(url("packet_download", case, build.public_id))
    assert download["Content-Disposition"].startswith("attachment")
    data = b"".join(download.streaming_content)
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as zf:
        names = zf.namelist()
    assert "documents/03 Pathology reports/Biopsy report.pdf" in names
    assert not any("CT report" in n for n in names)
    assert "00 Cover letter.pdf" in names and "01 Case summary.pdf" in names


def test_it_refuses_a_document_that_changed_and_names_it(
    owner_client, case, service, vault, django_capture_on_commit_callbacks
):
    vault[1].files[0].source.write_bytes(b"changed on disk")
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            url("packet_preview", case, service.public_id), {"include": [v.key for v in vault]}
        )
    build = PacketBuild.objects.get()
    assert build.status == "failed"
    assert "CT report" in build.error
    page = owner_client.get(url("packet_status", case, build.public_id))
    assert b"could not be made" in page.content and b"CT report" in page.content


def test_it_makes_a_link_showing_the_token_once_and_storing_only_its_hash(
    owner_client, case, service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            url("link_new", case, service.public_id), {"days": 14, "passcode": ""}
        )
    link = ShareLink.objects.get()
    token = response.context["url"].rstrip("/").rsplit("/", 1)[-1]
    assert token not in link.token_hash
    assert (
        owner_client.get(url("link_detail", case, link.public_id)).content.count(token.encode())
        == 0
    )
    assert PacketBuild.objects.filter(
        service=service, status="done"
    ).exists()  # made for the reviewer


def test_it_refuses_a_too_short_passcode(owner_client, case, service):
    response = owner_client.post(
        url("link_new", case, service.public_id), {"days": 14, "passcode": "123"}
    )
    assert response.status_code == 200 and not ShareLink.objects.exists()


def test_it_revokes_a_link(owner_client, case, service):
    link, _ = make_link(case, service)
    owner_client.post(url("link_revoke", case, link.public_id))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_it_records_an_opinion_with_its_report_and_shows_the_comparison(
    owner_client, case, service
):
    case.first_plan = "Lumpectomy, then radiation. Letrozole for 5 years."
    case.save()
    report = SimpleUploadedFile("report.pdf", tiny_pdf("Opinion"), content_type="application/pdf")
    response = owner_client.post(
        url("opinion_new", case),
        {
            "service": service.pk,
            "doctor_name": "Ada Moreau",
            "received_on": "2026-05-01",
            "stance": "proposes_changes",
            "diagnosis_agrees": "yes",
            "stage_agrees": "yes",
            "recommendations": "Lumpectomy, then radiation. Letrozole for 10 years. Add pertuzumab.",
            "report": report,
        },
    )
    opinion = Opinion.objects.get()
    assert response.url == url("opinion_check", case, opinion.public_id)
    assert opinion.report_sha256 and opinion.report_size > 0
    assert {c["modality"] for c in opinion.plan_components} >= {"endocrine", "targeted"}
    page = owner_client.get(url("compare", case))
    (comp,) = page.context["comparisons"]
    assert sorted(d.kind for d in comp.differences) == ["added", "duration_changed"]
    assert all(d.reviewer_questions and d.local_questions for d in comp.differences)
    assert "Not the same" in page.content.decode()


def test_it_compares_diagnosis_and_stage_from_the_structured_answers_only(owner_client, case):
    case.stage_told = "2"
    case.save()
    make_opinion(case, diagnosis="Completely different words", diagnosis_agrees="yes")
    (comp,) = owner_client.get(url("compare", case)).context["comparisons"]
    assert comp.differences == []  # other wording, but the reviewer said yes
    make_opinion(case, diagnosis_agrees="yes", stage_agrees="no", stage_opinion="Stage 3")
    comps = owner_client.get(url("compare", case)).context["comparisons"]
    (diff,) = comps[1].differences
    assert diff.topic == "Stage" and "Stage 3" in diff.text and "2" in diff.text


def test_the_patient_corrects_what_was_read_and_it_is_kept(owner_client, case):
    opinion = make_opinion(case, recommendations="Letrozole for 10 years.")
    readings.opinion_plan_store(opinion)
    page = owner_client.get(url("opinion_check", case, opinion.public_id))
    formset = page.context["formset"]
    data = {
        "c-TOTAL_FORMS": str(len(formset.forms)),
        "c-INITIAL_FORMS": str(formset.initial_form_count()),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "60",
    }
    for n, form in enumerate(formset.forms):
        original = form.initial.get("original")
        data.update(
            {
                f"c-{n}-modality": form.initial.get("modality", "endocrine"),
                f"c-{n}-drugs": form.initial.get("drugs", ""),
                f"c-{n}-procedure": form.initial.get("procedure", ""),
                f"c-{n}-duration_months": "120" if original else "",
                f"c-{n}-phase": "1",
                f"c-{n}-original": json.dumps(original) if original else "",
            }
        )
    # The empty extra row becomes a test the patient adds by hand.
    last = len(formset.forms) - 1
    data.update({f"c-{last}-modality": "test", f"c-{last}-procedure": "genetic testing"})
    response = owner_client.post(url("opinion_check", case, opinion.public_id), data)
    assert response.status_code == 302
    opinion.refresh_from_db()
    assert opinion.plan_checked
    assert {c["modality"] for c in opinion.plan_components} == {"endocrine", "test"}
    # Unchanged words on a later save keep the corrections.
    owner_client.post(
        url("opinion_edit", case, opinion.public_id),
        {
            "received_on": "2026-05-01",
            "stance": "confirms",
            "recommendations": opinion.recommendations,
        },
    )
    opinion.refresh_from_db()
    assert opinion.plan_checked and len(opinion.plan_components) == 2


def test_it_stores_nothing_made_up_from_html_or_a_huge_paste(owner_client, case):
    text = "<script>alert(1)</script> " + "lorem ipsum " * 5000
    response = owner_client.post(
        url("opinion_new", case),
        {"received_on": "2026-05-01", "stance": "unclear", "recommendations": text[:4000]},
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get()
    assert opinion.plan_components == []
    page = owner_client.get(url("compare", case)).content.decode()
    assert "<script>alert" not in page


def test_it_compares_with_an_empty_first_plan_and_an_empty_opinion(owner_client, case):
    make_opinion(case)
    page = owner_client.get(url("compare", case))
    assert page.status_code == 200
    assert page.context["comparisons"][0].differences == []


def test_every_goal_gets_a_question(owner_client, case):
    case.treatment_goals, case.goal_work, case.goal_travel = "Cure", "Keep teaching", "Visit Rome"
    case.save()
    make_opinion(case)
    page = owner_client.get(url("compare", case))
    goals = [g for g, _q in page.context["goal_questions"]]
    assert goals == ["Cure", "Keep teaching", "Visit Rome"]


def test_the_opinion_page_is_read_only_with_its_report_pages(owner_client, case):
    opinion = make_opinion(case, recommendations="Letrozole for 5 years.", stance="confirms")
    page = owner_client.get(url("opinion_detail", case, opinion.public_id)).content.decode()
    assert "Confirms the first plan" in page and "letrozole" in page.lower()
    assert 'name="recommendations"' not in page  # editing is a separate page
    assert url("opinion_report_page", case, opinion.public_id, 1) in page
    png = owner_client.get(url("opinion_report_page", case, opinion.public_id, 1))
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    again = owner_client.get(url("opinion_report_page", case, opinion.public_id, 1))
    assert again.content == png.content  # from the cache
    assert (
        owner_client.get(url("opinion_report_page", case, opinion.public_id, 2)).status_code == 404
    )


def test_it_rejects_a_report_that_is_not_a_pdf(owner_client, case):
    fake = SimpleUploadedFile("report.pdf", b"<html>hi</html>", content_type="application/pdf")
    response = owner_client.post(
        url("opinion_new", case), {"received_on": "2026-05-01", "stance": "unclear", "report": fake}
    )
    assert response.status_code == 200
    assert b"not a PDF" in response.content
    assert not Opinion.objects.exists()


def test_it_makes_a_third_opinion_as_easy_as_a_second(owner_client, case):
    for name in ["A", "B", "C"]:
        owner_client.post(
            url("opinion_new", case),
            {"doctor_name": name, "received_on": "2026-05-01", "stance": "confirms"},
        )
    page = owner_client.get(url("compare", case))
    assert Opinion.objects.count() == 3
    assert len(page.context["comparisons"]) == 3


def test_it_records_the_decision_with_reasons(owner_client, case):
    owner_client.post(url("compare", case), {"choice": "Surgery first", "reasons": "Fits my goals"})
    assert Decision.objects.get(case=case).reasons == "Fits my goals"


def test_it_picks_bank_questions_adds_own_and_notes_answers(owner_client, case):
    owner_client.post(url("questions_pick", case), {"pick": ["rev-trials", "loc-next"]})
    owner_client.post(url("questions", case), {"group": "reviewer", "text": "Can I keep working?"})
    assert PatientQuestion.objects.filter(case=case).count() == 3
    question = PatientQuestion.objects.get(bank_key="rev-trials")
    owner_client.post(
        url("question_update", case, question.public_id), {"asked": "on", "answer": "Not now."}
    )
    question.refresh_from_db()
    assert question.asked and question.answer == "Not now."
    page = owner_client.get(url("questions", case))
    assert b"Can I keep working?" in page.content and b"Not now." in page.content


def test_it_keeps_a_drafted_question(owner_client, case):
    owner_client.post(url("compare_question_add", case), {"text": "Why?", "group": "local"})
    assert PatientQuestion.objects.get().group == "local"


def test_it_gives_a_one_page_handoff_and_records_the_loop(owner_client, case):
    make_opinion(case, stance="confirms")
    pdf = owner_client.get(url("handoff_pdf", case))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    owner_client.post(
        url("handoff", case), {"delivered_on": "2026-05-02", "response": "Agrees, go ahead."}
    )
    assert case.handoff.loop_closed


def test_the_handoff_ends_each_sentence_with_one_period_on_the_page_and_in_the_pdf(
    owner_client, case
):
    # The patient typed her plans and her decision with their own periods ("5 years.."; #16).
    case.first_plan = "Lumpectomy, then radiation. Letrozole for 5 years."
    case.save()
    make_opinion(case, recommendations="Lumpectomy, then radiation. Letrozole for 10 years.")
    Decision.objects.create(
        case=case, choice="Ten years of letrozole.", reasons="My oncologist agrees."
    )
    page = html.unescape(
        re.sub(r"<[^>]+>", " ", owner_client.get(url("handoff", case)).content.decode())
    )
    pdf = owner_client.get(url("handoff_pdf", case)).content
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for words in (page, text):
        assert "The patient's first plan: Lumpectomy, then radiation. Letrozole for 5 years." in (
            " ".join(words.split())
        )
        assert "Ten years of letrozole. Why: My oncologist agrees." in " ".join(words.split())
        assert not re.search(r"\w\.\.(?!\.)", words), re.search(r".{30}\w\.\.", words)


def test_it_writes_nothing_when_the_handoff_page_is_only_opened(owner_client, case):
    assert owner_client.get(url("handoff", case)).status_code == 200
    assert not Handoff.objects.filter(case=case).exists()
    owner_client.post(url("handoff", case), {"delivered_how": "At my visit"})
    assert Handoff.objects.get(case=case).delivered_how == "At my visit"


def test_it_exports_case_dates_as_ics(owner_client, case, service):
    case.safe_to_wait_until = __import__("datetime").date(2026, 6, 1)
    case.save()
    response = owner_client.get(url("calendar", case))
    assert response["Content-Type"].startswith("text/calendar")
    assert b"Safe-to-wait date" in response.content


def test_it_hides_every_page_from_a_stranger(client, case, service, stranger):
    client.force_login(stranger)
    assert client.get(url("home", case)).status_code == 404
    assert client.get(url("packet_preview", case, service.public_id)).status_code == 404


def test_it_lets_a_viewer_look_but_not_build(client, case, service, caregiver):
    client.force_login(caregiver)
    assert client.get(url("home", case)).status_code == 200
    assert client.post(url("packet_preview", case, service.public_id)).status_code == 404


def test_it_keeps_only_the_newest_packet_file_per_service(
    owner_client, case, service, vault, django_capture_on_commit_callbacks
):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            owner_client.post(url("packet_preview", case, service.public_id), {"include": []})
    old, new = PacketBuild.objects.order_by("created_at")
    assert old.file_name == "" and new.file_name
    assert owner_client.get(url("packet_download", case, old.public_id)).status_code == 404
    assert (
        b"replaced by a newer one"
        in owner_client.get(url("packet_status", case, old.public_id)).content
    )


def test_it_warns_when_records_were_added_after_the_packet(owner_client, case, service):
    make_build(case, service)
    assert b"added records after" not in owner_client.get(url("home", case)).content
    Document.objects.create(
        case=case,
        doc_type="lab_results",
        original_name="cbc.pdf",
        stored_name="x",
        size=1,
        sha256="0" * 64,
    )
    assert b"added records after" in owner_client.get(url("home", case)).content


@pytest.mark.parametrize("page", ["home", "compare"])
def test_it_lists_1_or_10_services_links_and_opinions_in_the_same_queries(owner_client, case, page):
    def grow():
        service = make_service(case)
        make_link(case, service)
        make_opinion(case, service=service)

    grow()
    owner_client.get(url(page, case))  # warm caches (content types, session)
    one = queries(lambda: owner_client.get(url(page, case)))
    for _ in range(9):
        grow()
    assert queries(lambda: owner_client.get(url(page, case))) == one


def test_it_puts_each_booked_call_in_the_ics_with_its_time_in_utc(owner_client, case, service):
    day = timezone.localdate() + timedelta(days=12)
    service.call_at = datetime(
        day.year, day.month, day.day, 15, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )
    service.call_note = "video call"
    service.save()
    handoff = handoff_for(case)
    handoff.followup_at = service.call_at + timedelta(days=3)
    handoff.save()

    response = owner_client.get(url("calendar", case))
    events = {str(e["summary"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    call = events["Call with Dr. Ada Moreau (Hope Second Opinions)"]
    start = call.decoded("dtstart")
    assert start.utcoffset() == timedelta(0)  # written as UTC ("...Z"), so any calendar agrees
    assert start == service.call_at.astimezone(UTC)
    assert call.decoded("dtend") - start == timedelta(minutes=30)
    assert str(call["description"]) == "video call"
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in response.content.decode()
    local = events["Call or visit with my local doctor"]
    assert local.decoded("dtstart") == handoff.followup_at


def test_it_records_the_local_doctor_follow_up_and_refuses_a_far_date(owner_client, case):
    response = owner_client.post(url("handoff", case), {"followup_at": "2999-01-01T10:00"})
    assert "more than 2 years from now" in response.content.decode()
    assert handoff_for(case).followup_at is None
    day = timezone.localdate() + timedelta(days=5)
    owner_client.post(url("handoff", case), {"followup_at": f"{day.isoformat()}T08:15"})
    saved = timezone.localtime(handoff_for(case).followup_at)
    assert (saved.date(), saved.hour, saved.minute) == (day, 8, 15)


def test_questions_typed_on_the_opinion_form_reach_the_question_list(owner_client, case):
    data = {
        "received_on": "2026-05-01",
        "stance": "proposes_changes",
        "open_questions": "Should I see a surgeon first?\n- Is the MRI needed?",
    }
    owner_client.post(url("opinion_new", case), data)
    opinion = Opinion.objects.get(case=case)
    page = owner_client.get(url("questions", case)).content.decode()
    assert "Should I see a surgeon first?" in page and "Is the MRI needed?" in page
    # Saved again, with one question left out: no copies, and the removed one leaves the list.
    edit = reverse("opinions:opinion_edit", args=[case.public_id, opinion.public_id])
    owner_client.post(edit, {**data, "open_questions": "Should I see a surgeon first?"})
    texts = list(case.questions.values_list("text", flat=True))
    assert texts == ["Should I see a surgeon first?"]
    assert list(handoff_data(case).questions) == ["Should I see a surgeon first?"]
