"""US English in everything a patient or a reviewer reads.

The product is for patients in the United States, so every template, every message and PDF
string in the Python code, the glossary and the data files shipped with the app use US spelling.
Code that *reads* documents (the pathology and plan readers, the agreement reader) must still
recognise British spellings in the reports it is given ("tumour", "oesophageal"); those are
patterns, not words shown to anyone, and are left out here (regular expressions and the reader
modules listed in READERS).
"""

import ast
import re
from pathlib import Path

import pytest

from secondopinion.pathology import glossary_entries

ROOT = Path(__file__).resolve().parent.parent / "secondopinion"

# British form (as a word start) -> the US form.
BRITISH = {
    "tumour": "tumor",
    "oedema": "edema",
    "lymphoedema": "lymphedema",
    "favour": "favor",
    "unfavourable": "unfavorable",
    "colour": "color",
    "centre": "center",
    "organis": "organiz",
    "haem": "hem",
    "oesophag": "esophag",
    "oestrogen": "estrogen",
    "anaemi": "anemi",
    "leukaemi": "leukemi",
    "gynaecolog": "gynecolog",
    "paediatr": "pediatr",
    "anaesthe": "anesthe",
    "diarrhoea": "diarrhea",
    "programme": "program",
    "licence": "license",
    "catalogue": "catalog",
    "behaviour": "behavior",
    "analyse": "analyze",
    "analysed": "analyzed",
    "randomis": "randomiz",
    "travelled": "traveled",
    "travelling": "traveling",
    "labelled": "labeled",
    "labelling": "labeling",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "recognis": "recogniz",
    "realis": "realiz",
    "summaris": "summariz",
    "prioritis": "prioritiz",
    "minimis": "minimiz",
    "authoris": "authoriz",
    "categoris": "categoriz",
    "apologis": "apologiz",
    "neighbour": "neighbor",
    "honour": "honor",
    "grey": "gray",
    "practise": "practice",
    "enrolment": "enrollment",
    "whilst": "while",
    "judgement": "judgment",
}
PATTERN = re.compile(
    r"\b(?:"
    + "|".join(BRITISH)
    + r"|specialis(?:e|ed|es|ing)\b)",  # "specialise", not "specialist"
    re.IGNORECASE,
)

# Modules that read documents written anywhere: their strings are patterns for British reports.
READERS = (
    "pathology/extraction/",
    "pathology/extractor.py",
    "plans/vocab.py",
    "plans/reader.py",
    "plans/lexicon.py",
    "agreements/reader.py",
)
URL = re.compile(r"https?://\S+")  # a link is spelled as its site spells it
REGEX_HINT = re.compile(r"\\[bdswSB]|\(\?|\[[^\]]+\]|\|")


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def python_strings(path: Path) -> list[tuple[int, str]]:
    """The string literals of a module that could be shown to someone (not docstrings, not
    regular expressions, not identifiers)."""
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree)
    out = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        text = node.value
        if id(node) in skip or " " not in text.strip() or REGEX_HINT.search(text):
            continue
        out.append((node.lineno, text))
    return out


def british_words(text: str) -> list[str]:
    # aria-labelledby is the name of an HTML attribute, not a word.
    text = URL.sub("", text).replace("aria-labelledby", "")
    return [m.group(0) for m in PATTERN.finditer(text)]


TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
PYTHON = sorted(
    p
    for p in ROOT.glob("**/*.py")
    if "migrations" not in p.parts and not _rel(p).startswith(READERS)
)
# The fonts' licence texts are legal documents, quoted as written.
DATA = sorted(
    p
    for p in ROOT.glob("*/data/**/*")
    if p.suffix in {".csv", ".json", ".txt", ".md"} and "fonts" not in p.parts
)


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_templates_use_us_spelling(path):
    # Template logic and class names are code ({% if 'unfavourable' in c.flags %}), not words.
    text = re.sub(r"\{%.*?%\}|class=\"[^\"]*\"", "", path.read_text())
    assert british_words(text) == []


def test_python_strings_use_us_spelling():
    found = [
        f"{_rel(p)}:{line}: {word}"
        for p in PYTHON
        for line, text in python_strings(p)
        for word in british_words(text)
    ]
    assert found == []


@pytest.mark.parametrize("path", DATA, ids=_rel)
def test_shipped_data_uses_us_spelling(path):
    assert british_words(path.read_text()) == []


def test_glossary_uses_us_spelling():
    words = [w for entry in vars(glossary_entries).values() for w in british_words(repr(entry))]
    assert words == []


def test_the_check_finds_the_british_forms():
    sentence = "The tumour specialises in oedema; favour the centre's programme, colour, licence."
    assert [w.lower() for w in british_words(sentence)] == [
        "tumour",
        "specialises",
        "oedema",
        "favour",
        "centre",
        "programme",
        "colour",
        "licence",
    ]
    assert british_words("A specialist in tumors, in the center of the program.") == []
    assert python_strings(Path(__file__))  # the scanner reads literals at all
