"""Pathology pages: the owner reads and checks facts; a caregiver looks; a stranger gets 404."""

from django.urls import reverse

from secondopinion.accounts.models import AuditEvent
from secondopinion.pathology.facts import fact_review
from secondopinion.pathology.models import Review
from tests.factories import make_case
from tests.pathology.helpers import REPORT, make_report
from tests.queries import queries


def doc_url(case, doc):
    return reverse("pathology:document", args=[case.public_id, doc.public_id])


def test_it_shows_the_text_with_each_fact_highlighted_and_explained(owner_client, case):
    doc = make_report(case)
    page = owner_client.get(doc_url(case, doc)).content.decode()
    fact = doc.pathology_reading.facts.get(field="pT")
    assert f'id="mark-{fact.public_id}"' in page
    assert "more than 20 mm and up to 50 mm" in page  # pT2 explained for breast cancer
    assert "This is right" in page


SCANNED = REPORT + "Ki-67: 2l%\n"


def test_a_number_with_an_unclear_character_in_a_scan_is_shown_unsure(owner_client, case):
    doc = make_report(case, SCANNED, source="ocr")
    fact = doc.pathology_reading.facts.get(field="ki67_percent")
    assert (fact.value, fact.status) == (21, "uncertain")

    page = owner_client.get(doc_url(case, doc)).content.decode()
    card = page[page.index(f'id="fact-{fact.public_id}"') :]
    card = card[: card.index("</article>")]
    assert "read from a scan; one character was unclear — check it against the report" in card
    assert "more than one value" not in card
    assert "Confirm all that are right (" in page  # the others; this one is checked alone


def test_the_same_number_typed_gives_no_fact(case):
    doc = make_report(case, SCANNED)
    assert not doc.pathology_reading.facts.filter(field="ki67_percent").exists()


def test_the_owner_confirms_and_corrects_facts(owner_client, case):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="pT")
    url = reverse("pathology:fact_update", args=[case.public_id, fact.public_id])
    response = owner_client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    fact.refresh_from_db()
    assert fact.review == Review.CONFIRMED
    owner_client.post(url, {"action": "correct", "corrected_value": "T2a"})
    fact.refresh_from_db()
    assert (fact.review, fact.final_value) == (Review.CORRECTED, "T2a")


def test_confirmed_facts_fill_in_the_summary_with_a_link(owner_client, case):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="er")
    owner_client.post(
        reverse("pathology:fact_update", args=[case.public_id, fact.public_id]),
        {"action": "confirm"},
    )
    page = owner_client.get(reverse("pathology:summary", args=[case.public_id])).content.decode()
    assert "Estrogen receptor (ER)" in page
    assert f"#fact-{fact.public_id}" in page


def test_the_summary_shows_disagreements(owner_client, case, owner):
    a = make_report(case, name="a.pdf")
    b = make_report(case, "Stage: pT3 pN0\n", name="b.pdf")
    for doc in (a, b):
        fact_review(fact=doc.pathology_reading.facts.get(field="pT"), action="confirm", user=owner)
    page = owner_client.get(reverse("pathology:summary", args=[case.public_id])).content.decode()
    assert "do not agree" in page
    assert "pT2" in page and "pT3" in page


def test_the_owner_can_ask_to_read_a_report_now(owner_client, case):
    doc = make_report(case, read=False)
    url = reverse("pathology:document_read", args=[case.public_id, doc.public_id])
    assert owner_client.post(url).status_code == 302
    assert doc.__class__.objects.get(pk=doc.pk).pathology_reading.facts.exists()


def test_a_caregiver_sees_the_facts_but_cannot_change_them(client, case, caregiver):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="pT")
    client.force_login(caregiver)
    page = client.get(doc_url(case, doc)).content.decode()
    assert "pT2" in page and "This is right" not in page
    url = reverse("pathology:fact_update", args=[case.public_id, fact.public_id])
    assert client.post(url, {"action": "confirm"}).status_code == 404


def test_a_stranger_gets_404_everywhere(client, case, stranger):
    doc = make_report(case)
    fact = doc.pathology_reading.facts.get(field="pT")
    client.force_login(stranger)
    assert client.get(reverse("pathology:summary", args=[case.public_id])).status_code == 404
    assert client.get(doc_url(case, doc)).status_code == 404
    url = reverse("pathology:fact_update", args=[case.public_id, fact.public_id])
    assert client.post(url, {"action": "confirm"}).status_code == 404
    fact.refresh_from_db()
    assert fact.review == Review.UNREVIEWED


def test_a_fact_from_another_case_is_404(owner_client, case, stranger):
    other = make_case(stranger)
    fact = make_report(other).pathology_reading.facts.get(field="pT")
    url = reverse("pathology:fact_update", args=[case.public_id, fact.public_id])
    assert owner_client.post(url, {"action": "confirm"}).status_code == 404


def test_the_summary_page_uses_the_same_queries_for_1_or_10_reports(owner_client, case):
    url = reverse("pathology:summary", args=[case.public_id])
    make_report(case, "Stage: pT1 pN0\n", name="r0.pdf")
    owner_client.get(url)  # warm caches (content types, session)
    one = queries(lambda: owner_client.get(url))
    for i in range(1, 10):
        make_report(case, f"Stage: pT{i % 4 + 1} pN0\nSpecimen {i}.\n", name=f"r{i}.pdf")
    assert queries(lambda: owner_client.get(url)) == one


def test_a_derived_fact_links_to_the_highlight_it_shares(owner_client, case):
    doc = make_report(case, "Prostate, radical prostatectomy: Gleason score 4+3=7. pT2 pN0\n")
    facts = {f.field: f for f in doc.pathology_reading.facts.all()}
    page = owner_client.get(doc_url(case, doc)).content.decode()
    gleason_mark = f"#mark-{facts['gleason'].public_id}"
    assert page.count(f'href="{gleason_mark}"') == 2  # the Gleason card and the grade group card


def test_the_owner_confirms_every_fact_in_one_step_and_it_is_audited(owner_client, case):
    doc = make_report(case)
    facts = doc.pathology_reading.facts
    assert "Confirm all that are right" in owner_client.get(doc_url(case, doc)).content.decode()
    url = reverse("pathology:document_confirm_all", args=[case.public_id, doc.public_id])
    assert owner_client.post(url).status_code == 302
    assert not facts.filter(review=Review.UNREVIEWED).exclude(status="uncertain").exists()
    event = AuditEvent.objects.get(action="pathology.facts_confirmed", case=case)
    assert event.detail == str(facts.filter(review=Review.CONFIRMED).count())
    page = owner_client.get(doc_url(case, doc)).content.decode()
    assert "This is right" not in page  # every fact is confirmed: no button to confirm again
    assert "Confirm all that are right" not in page
    assert "Undo my check" in page


def test_confirm_all_leaves_unsure_and_corrected_facts_as_they_are(owner_client, case, owner):
    doc = make_report(case)
    facts = doc.pathology_reading.facts
    corrected = facts.get(field="pT")
    fact_review(fact=corrected, action="correct", corrected_value="T3", user=owner)
    unsure = facts.get(field="er")
    facts.filter(pk=unsure.pk).update(status="uncertain")
    owner_client.post(
        reverse("pathology:document_confirm_all", args=[case.public_id, doc.public_id])
    )
    corrected.refresh_from_db()
    unsure.refresh_from_db()
    assert (corrected.review, corrected.final_value) == (Review.CORRECTED, "T3")
    assert unsure.review == Review.UNREVIEWED


def test_only_those_who_may_edit_can_confirm_all(client, case, caregiver, stranger):
    doc = make_report(case)
    url = reverse("pathology:document_confirm_all", args=[case.public_id, doc.public_id])
    for user in (caregiver, stranger):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(caregiver)
    assert "Confirm all that are right" not in client.get(doc_url(case, doc)).content.decode()
    assert not doc.pathology_reading.facts.exclude(review=Review.UNREVIEWED).exists()
