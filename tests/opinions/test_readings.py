"""The first plan and each opinion read into components and compared: bad input, one side only,
corrections kept, and the handoff PDF addressed to the local doctor."""

import io

from django.urls import reverse
from pypdf import PdfReader

from secondopinion.opinions import readings
from secondopinion.opinions.models import Decision, Opinion
from secondopinion.opinions.pdfs import handoff_pdf
from secondopinion.opinions.services.handoff import case_comparisons, handoff_data
from tests.opinions.factories import make_opinion

FIRST = "Lumpectomy, then whole-breast radiation. Letrozole for 5 years."


def comparisons(case):
    return case_comparisons(case, list(case.opinions.select_related("service")))


def test_it_finds_the_two_real_differences_and_nothing_else(case):
    case.first_plan = FIRST
    case.save()
    make_opinion(
        case,
        recommendations="Lumpectomy, then whole-breast radiation. Letrozole for 10 years. "
        "Add pertuzumab.",
    )
    (comp,) = comparisons(case)
    kinds = sorted((d.kind, d.topic) for d in comp.differences)
    assert kinds == [
        ("added", "Targeted therapy"),
        ("duration_changed", "Hormone (endocrine) therapy"),
    ]
    doctor = " ".join(d.for_doctor for d in comp.differences)
    assert "The patient's first plan: letrozole for 5 years" in doctor
    assert "letrozole for 10 years" in doctor


def test_an_opinion_that_agrees_in_other_words_differs_in_nothing(case):
    case.first_plan = FIRST
    case.save()
    make_opinion(
        case,
        recommendations="Agree: breast-conserving surgery followed by radiotherapy to the whole "
        "breast, and five years of Femara.",
        diagnosis_agrees="yes",
        stage_agrees="yes",
    )
    (comp,) = comparisons(case)
    assert comp.differences == [] and comp.agrees


def test_without_a_first_plan_nothing_is_called_a_difference(case):
    make_opinion(case, recommendations="Letrozole for 10 years. Add pertuzumab.")
    (comp,) = comparisons(case)
    assert comp.differences == [] and comp.first_missing and not comp.agrees
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(handoff_pdf(handoff_data(case)))).pages
    )
    assert "not compared" in text and "differs" not in text.lower()


def test_an_empty_opinion_omits_nothing(case):
    case.first_plan = FIRST
    case.save()
    make_opinion(case, recommendations="")
    (comp,) = comparisons(case)
    assert comp.differences == []


def test_a_huge_paste_or_html_does_not_crash_or_make_things_up(case):
    reading = readings.read("lorem ipsum dolor " * 3000)  # about 54 kB
    assert reading.components == ()
    reading = readings.read("<script>alert('x')</script><b>zzzz</b>")
    assert reading.components == ()


def test_the_form_refuses_50_kb_with_a_message_and_stores_nothing(owner_client, case):
    response = owner_client.post(
        reverse("opinions:opinion_new", args=[case.public_id]),
        {"received_on": "2026-05-01", "stance": "unclear", "recommendations": "x" * 50_000},
    )
    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()
    assert not Opinion.objects.exists()


def test_html_in_a_plan_is_shown_as_text(owner_client, case):
    case.first_plan = "<b>Letrozole</b> for 5 years <script>alert(1)</script>"
    case.save()
    make_opinion(case, recommendations="<i>Letrozole</i> for 10 years")
    page = owner_client.get(reverse("opinions:compare", args=[case.public_id])).content.decode()
    assert "<script>alert(1)" not in page and "<b>Letrozole" not in page


def test_a_stored_reading_is_kept_until_the_words_change(case):
    case.first_plan = FIRST
    case.save()
    readings.case_plan_store(case, components=[])  # the patient removed every row
    assert readings.case_reading(case).components == ()
    case.first_plan = "Letrozole for 5 years."
    assert [c.drugs for c in readings.case_reading(case).components] == [("letrozole",)]


def test_the_handoff_pdf_carries_the_decision_and_local_questions(case):
    case.first_plan = FIRST
    case.save()
    make_opinion(
        case, recommendations="Lumpectomy, then whole-breast radiation. Letrozole for 10 years."
    )
    Decision.objects.create(case=case, choice="Ten years of letrozole.")
    data = handoff_data(case)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handoff_pdf(data))).pages)
    assert "The patient's first plan" in text and "Ten years of letrozole." in text
    assert len(PdfReader(io.BytesIO(handoff_pdf(data))).pages) == 1
