"""The plan reader: components, spans, phases, durations, history, refusals, unread parts.

The wordings are invented for these tests (other cancers and phrasings than the dev pairs).
"""

from secondopinion.plans.reader import read_plan
from secondopinion.plans.reader.reading import ANCHOR, HISTORY, REFUSED, Component, PlanReading
from tests.plans.helpers import drugs_by_modality


def only(reading, modality):
    found = [c for c in reading.components if c.modality == modality]
    assert found, f"no {modality} in {reading.components}"
    return found


def test_it_gives_exact_source_spans():
    text = "Per Dr. Osei: Xeloda for 6 months, then a low anterior resection."
    reading = read_plan(text)
    for c in reading.components:
        assert text[c.start : c.end] == c.text
    assert {c.modality for c in reading.components} == {"chemotherapy", "surgery"}


def test_it_reads_a_regimen_acronym_as_its_drugs_in_phases():
    reading = read_plan("EC-T before surgery")
    chemo = only(reading, "chemotherapy")
    assert [c.drugs for c in chemo] == [("epirubicin", "cyclophosphamide"), ("paclitaxel",)]
    assert chemo[0].phase < chemo[1].phase
    surgery = only(reading, "surgery")[0]
    assert surgery.phase > chemo[1].phase


def test_it_reads_the_order_words():
    reading = read_plan("Nephrectomy first, followed by sunitinib.")
    assert only(reading, "surgery")[0].phase < only(reading, "targeted")[0].phase
    reading = read_plan("Sunitinib after the nephrectomy.")
    assert only(reading, "targeted")[0].phase > 1
    reading = read_plan("Cetuximab with radiation.")
    assert only(reading, "targeted")[0].phase == only(reading, "radiation")[0].phase


def test_it_places_neoadjuvant_treatment_before_surgery_even_when_written_after():
    reading = read_plan("Esophagectomy. Neoadjuvant carboplatin and paclitaxel with radiation.")
    chemo = only(reading, "chemotherapy")[0]
    assert chemo.phase < only(reading, "surgery")[0].phase


def test_it_reads_durations_in_months():
    reading = read_plan("Exemestane 25 mg daily for five years; trastuzumab x 52 weeks")
    assert only(reading, "endocrine")[0].duration_months == 60
    assert only(reading, "targeted")[0].duration_months == 12
    assert read_plan("18 months of ADT").components[0].duration_months == 18
    assert read_plan("bicalutamide for a year").components[0].duration_months == 12


def test_schedules_and_ages_are_not_durations():
    reading = read_plan("A 58-year-old. Zoladex every 4 weeks, carboplatin every 3 weeks x 6.")
    assert all(c.duration_months is None for c in reading.components)


def test_it_treats_given_treatment_as_history():
    reading = read_plan("S/p right hemicolectomy. Now FOLFOX.")
    assert [c.procedure for c in reading.history if c.status == HISTORY] == ["partial colectomy"]
    assert {c.modality for c in reading.components} == {"chemotherapy"}
    reading = read_plan("Prostatectomy done in May. Plan salvage radiation.")
    assert {c.modality for c in reading.components} == {"radiation"}


def test_a_reference_point_is_not_part_of_the_plan():
    reading = read_plan("Radiation after my surgery heals.")
    assert {c.modality for c in reading.components} == {"radiation"}
    reading = read_plan("Capecitabine after surgery.")
    assert [c.status for c in reading.history] == [ANCHOR]


def test_it_sets_refused_treatments_apart():
    reading = read_plan("I would favour stereotactic radiotherapy over a wedge resection.")
    assert {c.modality for c in reading.components} == {"radiation"}
    assert [c.modality for c in reading.refused] == ["surgery"]
    reading = read_plan("Whole-brain radiation is not recommended; SRS to the two lesions.")
    assert [c.procedure for c in reading.components] == ["SBRT"]
    assert [c.status for c in reading.refused] == [REFUSED]
    reading = read_plan("No chemo needed. Tamoxifen.")
    assert {c.modality for c in reading.components} == {"endocrine"}


def test_it_keeps_hedged_recommendations():
    reading = read_plan("Adjuvant pembrolizumab could be considered.")
    assert only(reading, "immunotherapy")[0].hedged is True


def test_unspecific_words_are_components_that_are_not_specific():
    reading = read_plan("Surgery, then chemo, then hormone pills.")
    assert {(c.modality, c.specific) for c in reading.components} == {
        ("surgery", False),
        ("chemotherapy", False),
        ("endocrine", False),
    }


def test_lumpectomy_and_breast_conserving_surgery_are_one_procedure():
    a = read_plan("breast conserving surgery")
    b = read_plan("a lumpectomy")
    assert a.components[0].procedure == b.components[0].procedure == "lumpectomy"


def test_it_reads_chemoradiation_as_two_treatments():
    reading = read_plan("Chemoradiation with weekly carboplatin.")
    assert {c.modality for c in reading.components} == {"radiation", "chemotherapy"}


def test_tests_are_components_with_a_kind():
    reading = read_plan("Please order a PSMA PET and germline testing.")
    assert {c.kind for c in reading.tests} == {"PSMA PET", "germline genetic testing"}
    reading = read_plan("The Oncotype came back at 31.")
    assert reading.tests == ()


def test_it_does_not_read_a_drug_inside_another_word():
    assert drugs_by_modality("Targeted biopsy of the node. ACTH was normal.") == {"test": set()}


def test_an_unknown_regimen_acronym_is_unread_not_guessed():
    reading = read_plan("Plan: ZOFLOX-7 every 2 weeks, then radiation.")
    assert "ZOFLOX-7" in reading.unread
    assert {c.modality for c in reading.components} == {"radiation"}


def test_a_treatment_sentence_with_nothing_known_is_unread():
    reading = read_plan("They mentioned some new pill regimen from a study in Europe.")
    assert reading.components == ()
    assert reading.unread


def test_trial_names_in_brackets_are_citations_not_unread():
    reading = read_plan("Olaparib for 1 year (OlympiA).")
    assert reading.unread == ()


def test_components_round_trip_through_json():
    for c in read_plan("Letrozole for 5 years after a lumpectomy; MRI.").components:
        assert Component.from_dict(c.to_json()) == c
        assert Component.from_dict(c.to_dict()).to_dict() == c.to_dict()


def test_a_reading_can_be_rebuilt_from_corrected_components():
    stored = [c.to_json() for c in read_plan("Lumpectomy, then radiation.").components]
    stored[0]["procedure"] = "mastectomy"
    rebuilt = PlanReading.from_components(stored)
    assert rebuilt.components[0].procedure == "mastectomy"


def test_to_dict_is_the_contract_shape():
    c = read_plan("Letrozole for 5 years").components[0]
    assert c.to_dict() == {
        "modality": "endocrine",
        "drugs": ["letrozole"],
        "procedure": None,
        "duration_months": 60,
        "phase": 1,
        "text": "Letrozole",
        "start": 0,
        "end": 9,
    }


def test_it_reads_core_words_with_one_typo():
    reading = read_plan("lumpectmy, then radiaton, then tamoxifin")
    assert [c.modality for c in reading.components] == ["surgery", "radiation", "endocrine"]
    assert read_plan("radiating pain in the arm").components == ()


def test_an_inline_numbered_list_is_a_sequence():
    reading = read_plan("1) TCHP x 6 2) surgery 3) Kadcyla or Herceptin depending on the response")
    surgery = only(reading, "surgery")[0]
    assert only(reading, "chemotherapy")[0].phase < surgery.phase
    assert only(reading, "antibody-drug conjugate")[0].phase > surgery.phase
    assert only(reading, "antibody-drug conjugate")[0].conditional is True


def test_patient_shorthand_is_read():
    reading = read_plan("chemo 4 rounds then surgery then rads. An AI pill for 5 yrs after.")
    assert [c.modality for c in reading.components] == [
        "chemotherapy",
        "surgery",
        "radiation",
        "endocrine",
    ]
    assert reading.components[-1].duration_months == 60


def test_not_changing_a_treatment_keeps_it():
    reading = read_plan("I would not change the chemotherapy: FOLFOX.")
    assert reading.refused == ()
    assert read_plan("No need to stop tamoxifen.").components[0].drugs == ("tamoxifen",)
    assert read_plan("Radiation, not tamoxifen.").refused[0].drugs == ("tamoxifen",)
