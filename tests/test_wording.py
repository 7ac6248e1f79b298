"""Wording checks over every template and user-facing Python string.

Counts go through one helper (core/words.py: `count`, the `count`/`noun` filters), so a hand-made
plural ("1 scans") cannot come back in one corner of the app.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "secondopinion"
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
PYTHON = sorted(p for p in ROOT.glob("**/*.py") if "migrations" not in p.parts)

# A number printed before a plural noun: {{ n }} files, {{ x|length }} services.
NUMBER_THEN_PLURAL = re.compile(
    r"\{\{ [^}]*(?:count|days|total|length|number|_n|left|hours|files|more)\b[^}]* \}\} "
    r"(?:[a-z]+ )?[a-z]+s\b"
)
# Python plurals made by hand: "s" if n != 1, "day" if n == 1 else "days".
HAND_PLURAL = re.compile(r"""["']s["'] if |[!=]= -?1 else ["'][a-z ]*s["']""")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_templates_are_found():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_templates_count_with_the_one_helper(path):
    text = path.read_text()
    assert "|pluralize" not in text, "use {{ n|count:'noun' }} from {% load words %}"
    assert not NUMBER_THEN_PLURAL.findall(text)


def test_python_has_no_hand_made_plurals():
    found = [
        f"{_rel(p)}:{n}: {line.strip()}"
        for p in PYTHON
        if p.name != "words.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if HAND_PLURAL.search(line)
    ]
    assert found == []


def test_the_scan_detects_what_it_forbids():
    assert NUMBER_THEN_PLURAL.search("{{ build.file_count }} files")
    assert NUMBER_THEN_PLURAL.search("{{ hits|length }} centers")
    assert HAND_PLURAL.search("f\"{n} day{'s' if n != 1 else ''}\"")
    assert HAND_PLURAL.search('days = "day" if late == 1 else "days"')
