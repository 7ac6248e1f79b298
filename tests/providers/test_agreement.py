"""The agreement page: paste or upload, read, highlight, feed the rules and the call script."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secondopinion.providers.facts import service_facts, service_flags_now
from secondopinion.providers.questions import question_script
from tests.providers.factories import make_service

DATA = Path(__file__).resolve().parent.parent / "agreements" / "data"
NORTHBAY = (DATA / "northbay-pdf-extract.txt").read_text()


def url(case, service):
    return reverse("providers:agreement", args=[case.public_id, service.public_id])


def test_it_reads_a_pasted_agreement_and_highlights_the_flagged_words(owner_client, case):
    service = make_service(case, name="Northbay")
    response = owner_client.post(url(case, service), {"text": NORTHBAY})
    assert response.status_code == 302
    page = owner_client.get(url(case, service)).content.decode()
    assert "Takes something away from you" in page
    assert "will not be disclosed to you" in page
    assert 'class="mark-unfavourable"' in page
    assert "Will you tell me the doctor&#x27;s name" in page
    assert "does not say whether to sign" in page.replace("It does not say", "does not say")


def test_its_findings_feed_the_rules_and_the_call_script(owner_client, case):
    service = make_service(case, name="Northbay")
    owner_client.post(url(case, service), {"text": NORTHBAY})
    service.refresh_from_db()
    codes = {f.code: f.severity for f in service_flags_now(service, today=case.created_at.date())}
    assert codes["agreement_withholds_name"] == "stop"
    assert codes["agreement_unfavourable"] == "warning"
    script = question_script(service_facts(service))
    assert any("sold or shared for marketing" in q.text for q in script.questions)


def test_it_strips_scripts_from_an_uploaded_web_page(owner_client, case):
    service = make_service(case)
    page = b"<html><script>alert(1)</script><p>The fee is $500, charged at booking.</p></html>"
    upload = SimpleUploadedFile("terms.html", page, content_type="text/html")
    owner_client.post(url(case, service), {"file": upload})
    service.refresh_from_db()
    assert "alert" not in service.agreement_text
    assert "fee" in {c["kind"] for c in service.agreement_reading["clauses"]}


def test_it_keeps_the_old_agreement_when_the_new_one_cannot_be_read(owner_client, case):
    service = make_service(case)
    owner_client.post(url(case, service), {"text": NORTHBAY})
    upload = SimpleUploadedFile("empty.txt", b"", content_type="text/plain")
    response = owner_client.post(url(case, service), {"file": upload})
    assert response.status_code == 400
    assert "The file is empty." in response.content.decode()
    spanish = (
        "El médico revisará su caso y la tarifa es de 500 dólares que se paga antes de la revisión."
    )
    response = owner_client.post(url(case, service), {"text": spanish})
    assert "Spanish" in response.content.decode()
    service.refresh_from_db()
    assert service.agreement_text == NORTHBAY.strip()


def test_it_is_a_404_for_a_stranger(client, stranger, case):
    service = make_service(case)
    client.force_login(stranger)
    assert client.get(url(case, service)).status_code == 404
    assert client.post(url(case, service), {"text": NORTHBAY}).status_code == 404
