"""Every glossary explanation reads at US school grade 8 or below (Flesch-Kincaid).

Patients read these under stress. textstat counts syllables with its bundled hyphenation
dictionary (pyphen), offline. Labels and names ("Lymphovascular invasion") are not sentences
and are left out; every explanation table and every sentence explain() writes itself is in."""

import pytest
import textstat

from secondopinion.pathology import glossary

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
