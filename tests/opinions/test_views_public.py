"""The reviewer's side of a share link: valid, expired, revoked, wrong passcode, unknown and
tampered links; downloads and report upload, each logged."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from fpdf import FPDF

from secondopinion.accounts.models import AuditEvent
from secondopinion.opinions.models import LinkEvent, Opinion
from secondopinion.opinions.services import reports
from tests.opinions.factories import make_build, make_link, make_opinion, tiny_pdf
from tests.providers.factories import make_service


@pytest.fixture
def service(case):
    return make_service(case, doctor_name="Ada Moreau")


@pytest.fixture
def link_and_token(case, service):
    make_build(case, service)
    return make_link(case, service)


def open_url(token):
    return reverse("share:open", args=[token])


def refused_body(client):
    return client.get(open_url("x" * 43)).content


def test_it_opens_a_valid_link_without_an_account_and_logs_it(client, link_and_token):
    link, token = link_and_token
    response = client.get(open_url(token))
    assert response.status_code == 200
    assert b"Olive Owner" in response.content and b"Download all records" in response.content
    assert response["Referrer-Policy"] == "same-origin" and "no-store" in response["Cache-Control"]
    assert LinkEvent.objects.get(link=link).action == "open"


def test_it_refuses_expired_revoked_unknown_and_tampered_links_identically(
    client, case, service, link_and_token
):
    link, token = link_and_token
    expired, expired_token = make_link(case, service)
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    revoked, revoked_token = make_link(case, service)
    revoked.revoked_at = timezone.now()
    revoked.save()
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    baseline = refused_body(client)
    for bad in [expired_token, revoked_token, "unknown-token", tampered, token + "x"]:
        response = client.get(open_url(bad))
        assert response.status_code == 404
        assert response.content == baseline
    assert not LinkEvent.objects.filter(link__in=[expired, revoked]).exists()


def test_it_asks_for_a_passcode_and_offers_the_box_again_after_a_wrong_one(client, case, service):
    make_build(case, service)
    link, token = make_link(case, service, passcode="blue-river-7")
    assert b"Enter the passcode" in client.get(open_url(token)).content
    wrong = client.post(open_url(token), {"passcode": "nope"})
    assert wrong.status_code == 403
    assert b"That passcode is not right" in wrong.content
    assert b'name="passcode"' in wrong.content and b"Olive Owner" not in wrong.content
    assert LinkEvent.objects.get(link=link).action == "passcode_failed"
    right = client.post(open_url(token), {"passcode": "blue-river-7"})
    assert right.status_code == 200 and b"Case for review" in right.content
    assert client.get(reverse("share:packet", args=[token])).status_code == 200


def test_it_pauses_one_address_after_too_many_wrong_passcodes_not_everyone(
    client, case, service, settings
):
    settings.SHARE_PASSCODE_TRIES = 3
    settings.SHARE_PASSCODE_COOLOFF_MINUTES = 15
    make_build(case, service)
    link, token = make_link(case, service, passcode="blue-river-7")
    codes = [
        client.post(open_url(token), {"passcode": "nope"}, REMOTE_ADDR="203.0.113.9").status_code
        for _ in range(3)
    ]
    assert codes == [403, 403, 429]
    paused = client.post(open_url(token), {"passcode": "blue-river-7"}, REMOTE_ADDR="203.0.113.9")
    assert paused.status_code == 429 and b"try again in 15 minutes" in paused.content
    # The reviewer, on another address, still gets in.
    other = client.post(open_url(token), {"passcode": "blue-river-7"}, REMOTE_ADDR="198.51.100.4")
    assert other.status_code == 200 and b"Case for review" in other.content
    actions = list(AuditEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions.count("link.passcode_failed") == 3 and "link.passcode_paused" in actions
    link.refresh_from_db()
    assert link.failed_passcodes == 3


def test_the_paused_address_may_try_again_after_the_cool_off(client, case, service, settings):
    settings.SHARE_PASSCODE_TRIES = 2
    settings.SHARE_PASSCODE_COOLOFF_MINUTES = 10
    make_build(case, service)
    link, token = make_link(case, service, passcode="blue-river-7")
    for _ in range(2):
        client.post(open_url(token), {"passcode": "nope"})
    assert client.post(open_url(token), {"passcode": "blue-river-7"}).status_code == 429
    LinkEvent.objects.filter(link=link).update(at=timezone.now() - timedelta(minutes=11))
    assert client.post(open_url(token), {"passcode": "blue-river-7"}).status_code == 200


def test_the_owner_sees_the_wrong_tries_and_can_reset_them(
    client, owner_client, case, service, settings
):
    settings.SHARE_PASSCODE_TRIES = 2
    make_build(case, service)
    link, token = make_link(case, service, passcode="blue-river-7")
    for _ in range(2):
        client.post(open_url(token), {"passcode": "nope"}, REMOTE_ADDR="203.0.113.9")
    dashboard = owner_client.get(reverse("cases:detail", args=[case.public_id]))
    assert b"Someone typed a wrong passcode on a share link" in dashboard.content
    detail_url = reverse("opinions:link_detail", args=[case.public_id, link.public_id])
    page = owner_client.get(detail_url).content.decode()
    assert "wrong passcode 2 times" in page and "203.0.113.9, until" in page
    trail = owner_client.get(reverse("sharing:activity", args=[case.public_id])).content.decode()
    assert "typed too many wrong passcodes on a share link" in trail

    reset = reverse("opinions:link_passcodes_reset", args=[case.public_id, link.public_id])
    assert owner_client.get(reset).status_code == 405
    assert owner_client.post(reset).status_code == 302
    link.refresh_from_db()
    assert link.failed_passcodes == 0 and link.passcodes_reset_at is not None
    assert AuditEvent.objects.filter(case=case, action="link.passcode_reset").exists()
    assert "203.0.113.9, until" not in owner_client.get(detail_url).content.decode()
    again = client.post(open_url(token), {"passcode": "blue-river-7"}, REMOTE_ADDR="203.0.113.9")
    assert again.status_code == 200


def test_it_rate_limits_by_address(client, link_and_token, settings):
    _, token = link_and_token
    settings.SHARE_LINK_REQUESTS = 3
    codes = [client.get(open_url(token)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 404]


def test_it_downloads_the_packet_and_single_files_and_logs_each(client, link_and_token):
    link, token = link_and_token
    packet = client.get(reverse("share:packet", args=[token]))
    assert packet["Content-Disposition"].startswith("attachment")
    assert b"".join(packet.streaming_content)[:2] == b"PK"
    one = client.get(reverse("share:file", args=[token, 0]))
    assert b"".join(one.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("share:file", args=[token, 999])).status_code == 404
    assert list(LinkEvent.objects.filter(link=link).values_list("action", flat=True)) == [
        "file",
        "packet",
    ]


def test_it_takes_the_written_report_with_structured_fields(client, case, link_and_token):
    link, token = link_and_token
    report = SimpleUploadedFile(
        "moreau-report.pdf", tiny_pdf("Opinion"), content_type="application/pdf"
    )
    response = client.post(
        reverse("share:report", args=[token]),
        {
            "report": report,
            "stance": "proposes_changes",
            "diagnosis_agrees": "yes",
            "stage_agrees": "no",
            "stage_opinion": "Stage 3",
            "recommendations": "Letrozole for 10 years.",
            "tests_suggested": "Oncotype DX",
        },
    )
    opinion = Opinion.objects.get(case=case)
    check = reverse("share:check", args=[token, opinion.public_id])
    assert response.status_code == 302 and response.url == check
    assert opinion.source == "link" and opinion.stance == "proposes_changes"
    assert (opinion.diagnosis_agrees, opinion.stage_agrees) == ("yes", "no")
    assert opinion.stage_opinion == "Stage 3" and opinion.tests_suggested == "Oncotype DX"
    assert opinion.doctor_name == "Ada Moreau"
    assert "endocrine" in {c["modality"] for c in opinion.plan_components}
    assert not opinion.plan_checked
    event = LinkEvent.objects.get(action="report")
    assert event.detail == "moreau-report.pdf" and event.address == "127.0.0.1"
    # The reviewer checks what was read: the rows come back, and saving them thanks them.
    page = client.get(check)
    assert page.status_code == 200 and b"letrozole" in page.content.lower()
    formset = page.context["formset"]
    data = {
        "c-TOTAL_FORMS": str(len(formset.forms)),
        "c-INITIAL_FORMS": str(formset.initial_form_count()),
        "c-MIN_NUM_FORMS": "0",
        "c-MAX_NUM_FORMS": "60",
    }
    for n, form in enumerate(formset.forms):
        original = form.initial.get("original")
        if original:
            data.update(
                {
                    f"c-{n}-modality": original["modality"],
                    f"c-{n}-drugs": ", ".join(original["drugs"]),
                    f"c-{n}-duration_months": original["duration_months"] or "",
                    f"c-{n}-phase": "1",
                    f"c-{n}-original": json.dumps(original),
                }
            )
        else:
            data[f"c-{n}-modality"] = ""  # the row for a missed treatment, left alone
    done = client.post(check, data)
    assert done.status_code == 200 and b"Thank you" in done.content
    before = len(opinion.plan_components)
    opinion.refresh_from_db()
    assert opinion.plan_checked and len(opinion.plan_components) == before


def test_a_link_cannot_check_another_links_opinion(client, case, link_and_token):
    _, token = link_and_token
    other = make_opinion(case, recommendations="Letrozole")
    page = client.get(reverse("share:check", args=[token, other.public_id]))
    assert page.status_code == 404


def test_it_refuses_a_report_that_is_not_a_pdf_or_too_large(
    client, case, link_and_token, monkeypatch
):
    _, token = link_and_token
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(reverse("share:report", args=[token]), {"report": fake})
    assert response.status_code == 400 and b"not a PDF" in response.content
    monkeypatch.setattr(reports, "REPORT_MAX_BYTES", 10)
    big = SimpleUploadedFile("report.pdf", tiny_pdf(), content_type="application/pdf")
    response = client.post(reverse("share:report", args=[token]), {"report": big})
    assert response.status_code == 400 and b"larger than" in response.content
    assert not Opinion.objects.exists()


def test_it_refuses_a_password_protected_report_and_keeps_nothing(client, case, link_and_token):
    _, token = link_and_token
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 8, "Second opinion report")
    pdf.set_encryption(owner_password="owner-secret", user_password="reader-secret")
    locked = SimpleUploadedFile("report.pdf", bytes(pdf.output()), content_type="application/pdf")
    response = client.post(reverse("share:report", args=[token]), {"report": locked})
    assert response.status_code == 400 and b"protected by a password" in response.content
    assert b"Thank you" not in response.content
    assert not Opinion.objects.exists()


def test_it_refuses_upload_through_a_revoked_link(client, link_and_token):
    link, token = link_and_token
    link.revoked_at = timezone.now()
    link.save()
    report = SimpleUploadedFile("r.pdf", tiny_pdf(), content_type="application/pdf")
    assert client.post(reverse("share:report", args=[token]), {"report": report}).status_code == 404
    assert client.get(reverse("share:packet", args=[token])).status_code == 404
    assert not Opinion.objects.exists()


def test_it_shows_the_patient_the_access_log(owner_client, case, link_and_token, client):
    link, token = link_and_token
    client.get(open_url(token))
    page = owner_client.get(reverse("opinions:link_detail", args=[case.public_id, link.public_id]))
    assert b"Opened the page" in page.content and b"127.0.0.1" in page.content


def test_it_puts_reviewer_visits_in_the_case_audit_trail_without_file_names(
    client, case, link_and_token
):
    link, token = link_and_token
    client.get(open_url(token))
    client.get(reverse("share:packet", args=[token]))
    events = AuditEvent.objects.filter(case=case).order_by("at", "id")
    assert [e.action for e in events] == ["link.open", "link.download"]
    assert all(e.user is None and e.object_id == str(link.public_id) for e in events)
    assert all(e.detail == "" for e in events)


def test_it_keeps_live_tokens_out_of_the_request_log(client, case, service, caplog):
    make_build(case, service)
    _, token = make_link(case, service, passcode="blue-river-7")
    caplog.set_level("INFO", logger="django.request")
    assert client.post(open_url(token), {"passcode": "nope"}).status_code == 403
    assert client.post(open_url(token), {"passcode": "blue-river-7"}).status_code == 200
    fake = SimpleUploadedFile("report.pdf", b"not a pdf", content_type="application/pdf")
    assert client.post(reverse("share:report", args=[token]), {"report": fake}).status_code == 400
    assert client.get(reverse("share:report", args=[token])).status_code == 405
    assert token not in caplog.text


def test_it_refuses_an_oversized_report_before_reading_it(client, link_and_token, settings):
    link, token = link_and_token
    url = reverse("share:report", args=[token])
    response = client.post(
        url,
        data=b"x",
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(reports.REPORT_MAX_BYTES + 2 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert b"larger than" in response.content
    assert not Opinion.objects.exists()


def test_it_still_checks_csrf_on_the_report_upload(link_and_token):
    link, token = link_and_token
    strict = Client(enforce_csrf_checks=True)
    strict.get(open_url(token))
    response = strict.post(
        reverse("share:report", args=[token]),
        {"report": SimpleUploadedFile("r.pdf", tiny_pdf(), content_type="application/pdf")},
    )
    assert response.status_code == 403
    assert not Opinion.objects.exists()
