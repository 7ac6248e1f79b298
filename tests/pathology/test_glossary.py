"""The glossary explains every value the extractor can output, per cancer where it differs."""

import json
from pathlib import Path

import pytest

from secondopinion.pathology.extractor import _HISTOLOGIES, _PROCEDURES, extract
from secondopinion.pathology.glossary import FIELD_LABELS, HISTOLOGY, PROCEDURES, explain

REPORTS = Path(__file__).parent / "reports"


def test_it_explains_t2_differently_for_breast_prostate_and_colon():
    breast = explain("pT", "T2", "breast")
    prostate = explain("pT", "T2", "PRAD")
    colon = explain("pT", "T2", "COAD")
    assert "20 mm" in breast and "50 mm" in breast
    assert "confined to the prostate" in prostate
    assert "muscle layer" in colon
    assert len({breast, prostate, colon}) == 3


@pytest.mark.parametrize(
    ("field", "value", "cancer", "words"),
    [
        ("pT", "T1c", "breast", "more than 10 mm and up to 20 mm"),
        ("pT", "T3a", "prostate", "outer edge of the prostate"),
        ("pT", "T3b", "prostate", "seminal vesicles"),
        ("pT", "T4a", "colon", "visceral"),
        ("pT", "T1a", "kidney", "4 cm or smaller"),
        ("pT", "Ta", "bladder", "papillary tumor that has not invaded"),
        ("pT", "T2a", "melanoma", "without ulceration"),
        ("pT", "T1b", "thyroid", "more than 1 cm and up to 2 cm"),
        ("pT", "T1a", "endometrium", "less than half"),
        ("pN", "N1a", "colon", "1 nearby lymph node"),
        ("pN", "N2a", "breast", "4 to 9"),
        ("pN", "N0(i+)", None, "0.2 mm"),
        ("pN", "N1mi", None, "2 mm"),
        ("pM", "MX", None, "no longer"),
        ("her2", "equivocal", None, "ISH"),
        ("er", "low positive", None, "1% to 10%"),
        ("margins", "close", None, "near"),
        ("grade_group", 2, None, "3+4=7"),
    ],
)
def test_it_says_the_right_thing(field, value, cancer, words):
    assert words in explain(field, value, cancer)


def test_it_says_tnm_is_not_used_for_lymphoma():
    assert "not used for lymphoma" in explain("pT", "T2", "lymphoma")


def test_it_falls_back_to_a_general_sentence_for_an_unknown_cancer():
    assert "depends on the type of cancer" in explain("pT", "T2", "GBM")


def test_it_uses_details_for_grade_system_and_margin_distance():
    assert "Nottingham" in explain("grade", "2", "breast", {"system": "Nottingham"})
    assert "2 mm" in explain("margins", "close", None, {"closest_mm": 2})


def test_it_explains_every_fact_of_every_hand_written_report():
    for path in sorted(REPORTS.glob("*.txt")):
        result = extract(path.read_text(encoding="utf-8"))
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert expected["cancer"] == result.cancer
        for name, f in result.fields.items():
            text = explain(name, f.value, result.cancer, f.details)
            assert name in FIELD_LABELS
            assert text != f"{FIELD_LABELS[name]}: {f.value}.", (path.name, name)


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("lvi", ["present", "absent", "indeterminate"]),
        ("pni", ["present", "absent", "indeterminate"]),
        ("ene", ["present", "absent", "indeterminate"]),
        ("margins", ["clear", "close", "involved", "cannot be assessed"]),
        ("er", ["positive", "negative", "low positive"]),
        ("her2", ["positive", "negative", "equivocal"]),
        ("mmr", ["proficient", "deficient"]),
        ("msi", ["MSS", "MSI-L", "MSI-H"]),
        ("egfr", ["detected", "not detected"]),
        ("alk", ["detected", "not detected"]),
        ("grade", ["1", "2", "3", "4", "low", "high", "1-2"]),
    ],
)
def test_it_has_a_written_sentence_for_each_value(field, values):
    for value in values:
        text = explain(field, value)
        assert len(text) > 30, (field, value)


def test_it_explains_every_histology_the_extractor_can_name():
    assert {name for name, _ in _HISTOLOGIES} <= set(HISTOLOGY)
    assert "milk duct" in explain("histology", "invasive ductal carcinoma")


def test_it_explains_every_procedure_the_extractor_can_name():
    assert {name for name, _ in _PROCEDURES} <= set(PROCEDURES)
    assert "The rest of the breast is kept" in explain("specimen", "lumpectomy")


# Corrections checked against AJCC 8th edition, ASCO/CAP and ISUP.


def test_corrected_wording_says_what_the_guidelines_say():
    assert "Labs measure" in explain("ki67_percent", 15)
    assert "needle biopsy" in explain("gleason", "3+4=7")
    assert "isolated" in explain("pN", "N0(i+)", "melanoma")
    assert "from 0" in explain("stage_group", "IIA")
    assert "Version 9" in explain("ajcc_edition", 8)
    assert "chest wall" in explain("pT", "T4", "breast")
    assert "deep skin layer alone is not T4" in explain("pT", "T4", "breast")
    assert "can be seen" in explain("pT", "T4b", "breast")
    assert "older edition" in explain("pT", "T2c", "prostate")
    assert "removed completely" not in explain("margins", "clear")
    assert "grouped with" in explain("msi", "MSI-L")
    assert "ER only" in explain("pr", "low positive")
    assert "TURP" in explain("specimen", "transurethral resection")
    assert "grown into" in explain("pT", "T2", "lung")
    assert "air sacs" in explain("pT", "Tis", "lung")
    assert "seen by eye" in explain("pT", "T3b", "thyroid")
    assert "upper mediastinum" in explain("pN", "N1a", "thyroid")
    assert "prostate (its stroma)" in explain("pT", "T4a", "bladder")
    assert "straight into the adrenal" in explain("pT", "T4", "kidney")
    assert "highest T category" in explain("tnm_prefixes", "m")
    assert "regional" in explain("pM", "M1a", "prostate")
    assert "guidelines do not use" in explain("er", "equivocal")
    assert "nuclei" in explain("histology", "papillary thyroid carcinoma")
    assert "pM0" not in explain("pM", "M0")


def test_it_explains_t_for_ovary_pancreas_and_cervix():
    assert "both ovaries" in explain("pT", "T1b", "ovary")
    assert "arteries" in explain("pT", "T4", "PAAD")
    assert "3 mm deep" in explain("pT", "T1a1", "cervix")
