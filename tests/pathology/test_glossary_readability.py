"""Every glossary explanation reads at US school grade 8 or below (Flesch-Kincaid).

Patients read these under stress. textstat counts syllables with its bundled hyphenation
dictionary (pyphen), offline. Labels and names ("Lymphovascular invasion") are not sentences
and are left out; every explanation table and every sentence explain() writes itself is in.

The page shows explain()'s whole sentence, framing and all ("Here is what pT3a means in ..."),
so the framing is checked as rendered: for every fact of the hand-written reports, and for a
fixed set of facts that walks every field and branch of explain()."""

from pathlib import Path

import pytest
import textstat

from secondopinion.pathology import glossary
from secondopinion.pathology.extraction.core import FIELDS
from secondopinion.pathology.extraction.site import _SITES
from secondopinion.pathology.extractor import _PROCEDURES, extract

GRADE = 8
NOT_SENTENCES = {"FIELD_LABELS", "CANCER_ALIASES", "CANCER_NAMES", "DRIVER_NAMES", "DRIVER_KIND"}


def table_strings():
    def walk(obj, path):
        if isinstance(obj, str):
            yield path, obj
        elif isinstance(obj, dict):
            for key, value in obj.items():
                yield from walk(value, f"{path}[{key!r}]")

    for name in sorted(vars(glossary)):
        obj = getattr(glossary, name)
        if name.isupper() and isinstance(obj, dict) and name not in NOT_SENTENCES:
            yield from walk(obj, name)


def written_by_explain():
    calls = [
        ("tumor_size_mm", 23, {}),
        ("nodes_examined", 12, {}),
        ("nodes_positive", 0, {}),
        ("nodes_positive", 3, {}),
        ("ki67_percent", 15, {}),
        ("gleason", "4+3=7", {"tertiary": 5}),
        ("pdl1", "TPS 60%, CPS 8", {"tps": 60, "cps": 8}),
        ("pdl1", "positive", {}),
        ("stage_group", "IIA", {"system": "AJCC"}),
        ("ajcc_edition", 7, {}),
        ("egfr", "detected", {"variant": "L858R"}),
        ("egfr", "not detected", {}),
        ("margins", "close", {"in_situ": True, "closest_mm": 1}),
        ("specimen", "lumpectomy", {}),
        ("site", "breast", {}),
    ]
    for field, value, details in calls:
        yield f"explain({field!r}, {value!r})", glossary.explain(field, value, None, details)


STRINGS = list(table_strings()) + list(written_by_explain())


def test_it_checks_hundreds_of_strings():
    assert len(STRINGS) > 300


@pytest.mark.parametrize(("where", "text"), STRINGS, ids=[w for w, _ in STRINGS])
def test_every_explanation_reads_at_grade_8_or_below(where, text):
    assert textstat.flesch_kincaid_grade(text) <= GRADE, text


# ---------------------------------------------------------------------------------------
# Explanations as the page renders them

REPORTS = Path(__file__).parent / "reports"
CANCERS = [None, *glossary.CANCER_NAMES]


def rendered_for_the_reports():
    """What the document page shows for each fact of each hand-written report."""
    for path in sorted(REPORTS.glob("*.txt")):
        result = extract(path.read_text(encoding="utf-8"))
        for field, fact in result.fields.items():
            text = glossary.explain(field, fact.value, result.cancer, fact.details)
            yield f"{path.stem} {field}={fact.value!r}", text


def _tnm_values():
    tables = [glossary.T_GENERIC, glossary.N_GENERIC, glossary.M_GENERIC]
    for by_cancer in (glossary.T_BY_CANCER, glossary.N_BY_CANCER, glossary.M_BY_CANCER):
        tables.extend(by_cancer.values())
    known = {key for table in tables for key in table}
    # A sub-letter no table has ("pT2 ... the letter after T2 adds detail") and an
    # unknown category ("T9 is a category of the TNM staging system").
    return sorted(known | {"T2z", "N1z", "M1z", "T9"})


def facts_for_every_branch():
    """(field, value, details): every value a table knows, and each branch's extra words.

    A value no table knows falls back to the report's own words ("Perineural invasion: ...");
    no framing makes those plain, and the extractor only gives values the tables know
    (test_glossary checks procedures and histologies), so only our own fallbacks are here."""
    for value in _tnm_values():
        yield f"p{value[0]}", value, {}
    yield "tnm_prefixes", "".join(glossary.PREFIX), {}
    for value in [*glossary.GRADE_VALUES, "9"]:
        for system in [None, *glossary.GRADE_SYSTEMS]:
            yield "grade", value, {"system": system} if system else {}
    extras = {
        "margins": [{"in_situ": True, "closest_mm": 1.5}, {"closest_mm": 12}],
        "er": [{"percent": 95}],
        "pr": [{"percent": 1}],
        "her2": [{"ihc_score": "2+"}],
    }
    for field, table in glossary.SIMPLE.items():
        for value in table:
            for details in [{}, *extras.get(field, [])]:
                yield field, value, details
    for field in glossary.DRIVER_NAMES:
        yield field, "detected", {"variant": "exon 19 deletion"}
        yield field, "detected", {}
        yield field, "not detected", {}
    yield "tumor_size_mm", 105, {}
    yield "tumor_size_mm", 3, {}
    yield "nodes_examined", 1, {}
    yield "nodes_examined", 24, {}
    yield "nodes_positive", 0, {}
    yield "nodes_positive", 11, {}
    yield "ki67_percent", 85, {}
    yield "gleason", "5+4=9", {}
    yield "gleason", "3+4=7", {"tertiary": 5}
    yield "gleason", "seven", {}
    for value in [*glossary.GRADE_GROUPS, 9]:
        yield "grade_group", value, {}
    yield "pdl1", "TPS 1%", {"tps": 1}
    yield "pdl1", "CPS 10", {"cps": 10}
    yield "pdl1", "TPS 60%, CPS 8", {"tps": 60, "cps": 8}
    yield "pdl1", "negative", {}
    yield "stage_group", "IIIC", {"system": "FIGO"}
    yield "stage_group", "0", {}
    for edition in (6, 7, 8):
        yield "ajcc_edition", edition, {}
    for name, _ in _PROCEDURES:
        yield "specimen", name, {}
    for name, _ in _SITES:
        yield "site", name, {}
    for name in [*glossary.HISTOLOGY, "carcinosarcoma"]:
        yield "histology", name, {}


def rendered_for_every_branch():
    for field, value, details in facts_for_every_branch():
        for cancer in CANCERS:
            yield f"{field}={value!r} {cancer}", glossary.explain(field, value, cancer, details)


def too_hard(rendered):
    return {
        where: (textstat.flesch_kincaid_grade(text), text)
        for where, text in rendered
        if textstat.flesch_kincaid_grade(text) > GRADE
    }


def test_every_fact_of_the_hand_written_reports_is_explained_at_grade_8_or_below():
    rendered = list(rendered_for_the_reports())
    assert {where.split()[1].split("=")[0] for where, _ in rendered} >= {"pT", "pN", "site"}
    assert too_hard(rendered) == {}


def test_every_field_and_branch_of_explain_renders_at_grade_8_or_below():
    facts = list(facts_for_every_branch())
    assert {field for field, _, _ in facts} == set(FIELDS)
    assert too_hard(rendered_for_every_branch()) == {}
