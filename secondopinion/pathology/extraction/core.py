"""Facts, the extraction result, small helpers, prefilters and addendum positions.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from secondopinion.core.words import NUMBER_WORDS

MAX_CHARS = 300_000  # a real report is 2-20 kB; anything past this is not read

STATED = "stated"
DERIVED = "derived"
UNCERTAIN = "uncertain"

FIELDS = (
    "specimen",
    "site",
    "laterality",
    "histology",
    "grade",
    "tumor_size_mm",
    "focality",
    "pT",
    "pN",
    "pM",
    "tnm_prefixes",
    "stage_group",
    "ajcc_edition",
    "margins",
    "lvi",
    "pni",
    "nodes_examined",
    "nodes_positive",
    "ene",
    "er",
    "pr",
    "her2",
    "ki67_percent",
    "gleason",
    "grade_group",
    "mmr",
    "msi",
    "pdl1",
    "egfr",
    "alk",
    "ros1",
    "kras",
    "braf",
)


@dataclass(frozen=True)
class Fact:
    """One extracted fact. ``text == source[start:end]`` always holds."""

    field: str
    value: Any
    text: str
    start: int
    end: int
    status: str = STATED
    # `dataclasses.field` in full: the class has a `field` of its own.
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    superseded: tuple[Fact, ...] = ()
    alternatives: tuple[Fact, ...] = ()
    # Internal ranking (higher wins among candidates of the same addendum level).
    rank: int = dataclasses.field(default=0, compare=False)
    addendum: int = dataclasses.field(default=0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": self.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "status": self.status,
        }
        if self.details:
            out["details"] = dict(self.details)
        if self.superseded:
            out["superseded"] = [f.as_dict() for f in self.superseded]
        if self.alternatives:
            out["alternatives"] = [f.as_dict() for f in self.alternatives]
        return out


@dataclass(frozen=True)
class Extraction:
    """All facts found in one report, keyed by field name."""

    fields: dict[str, Fact]
    cancer: str | None = None
    truncated: bool = False

    def get(self, name: str) -> Fact | None:
        return self.fields.get(name)

    def value(self, name: str) -> Any:
        fact = self.fields.get(name)
        return fact.value if fact else None

    def as_dict(self) -> dict[str, Any]:
        ordered = {name: self.fields[name].as_dict() for name in FIELDS if name in self.fields}
        out: dict[str, Any] = {"fields": ordered}
        if self.cancer:
            out["cancer"] = self.cancer
        if self.truncated:
            out["truncated"] = True
        return out


# ---------------------------------------------------------------------------------------
# Small helpers


def _fact(
    field_name: str,
    value: Any,
    text: str,
    start: int,
    end: int,
    *,
    rank: int = 0,
    status: str = STATED,
    **details: Any,
) -> Fact:
    # Trim whitespace and trailing punctuation so the highlighted span is tight.
    while start < end and text[start] in " \t\r\n.,;:":
        start += 1
    while end > start and text[end - 1] in " \t\r\n.,;:":
        end -= 1
    # Keep a score's "+" and close a bracket the span opened: "(score 1+)", "(80%)".
    if end < len(text) and text[end] == "+" and end > start and text[end - 1].isdigit():
        end += 1
    snippet = text[start:end]
    if snippet.count("(") > snippet.count(")") and text[end : end + 1] == ")":
        end += 1
    clean = {k: v for k, v in details.items() if v is not None}
    return Fact(field_name, value, text[start:end], start, end, status, clean, rank=rank)


_OCR_DIGIT = str.maketrans({"l": "1", "I": "1", "i": "1", "|": "1", "O": "0", "o": "0"})

_WORD_NUMBERS = {"no": 0, "none": 0, "zero": 0, **NUMBER_WORDS}

_NUMBER_WORD = (
    r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty)(?:[\s-](?:one|two|three|four|five|six|seven"
    r"|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)"
)


def _to_int(word: str) -> int | None:
    word = word.strip().lower()
    if word.isdigit():
        return int(word)
    if word in _WORD_NUMBERS:
        return _WORD_NUMBERS[word]
    parts = re.split(r"[\s-]", word)
    if len(parts) == 2 and parts[0] in _WORD_NUMBERS and parts[1] in _WORD_NUMBERS:
        return _WORD_NUMBERS[parts[0]] + _WORD_NUMBERS[parts[1]]
    return None


# OCR reads the letter o as a zero inside words ("lymph n0des", "t0tal", "p0sitive",
# "Estr0gen recept0r"). A zero with a lower-case letter on one side and a letter on the other
# is read as "o" for the word rules; TNM tokens ("pT0N0M0", "N0") are read from the text as
# given. The copy has the same length, so every offset still points into the original.
_ZERO_IN_WORD = re.compile(r"(?<=[a-z])0(?=[A-Za-z])|(?<=[A-Za-z])0(?=[a-z]{2})")


def _ocr_words(text: str) -> str:
    return _ZERO_IN_WORD.sub("o", text) if "0" in text else text


# In text read from a scan, OCR also reads a 1 or a 0 as a letter after a digit of the same
# number ("Ki-67: 2l%", "1O%", "2.l cm", "ER 9O%"). Only for a scan: in typed text "2l%" is a
# typo nobody can resolve, and stays no fact. The facts read through such a letter are marked
# uncertain (extraction.run), because the letter may be something else. Same length again.
_LETTER_IN_NUMBER = re.compile(
    r"(?:(?<=\d)|(?<=\d[.,]))[lIi|Oo]{1,2}(?=\d|\s?%|[.,]\d|\s?(?:cm|mm)\b)"
)


def _ocr_numbers(text: str) -> tuple[str, tuple[int, ...]]:
    """The text with digit-like letters inside numbers read as digits, and where they were."""
    where = tuple(i for m in _LETTER_IN_NUMBER.finditer(text) for i in range(m.start(), m.end()))
    if not where:
        return text, ()
    return _LETTER_IN_NUMBER.sub(lambda m: m.group(0).translate(_OCR_DIGIT), text), where


_ROMAN_OCR = str.maketrans("li1|", "IIII")


def _roman(token: str) -> str:
    """Normalise OCR'd roman numerals: 'Illc' -> 'IIIC', 'lV' -> 'IV'."""
    token = token.strip()
    head = re.match(r"[IVXilv1|]+", token)
    if not head:
        return token.upper()
    numeral = head.group(0).translate(_ROMAN_OCR)
    return numeral.upper() + token[head.end() :].upper()


class _Anchor:
    """A cheap prefilter word list, matched on a lower-cased copy of the text.

    Case-insensitive alternations are slow in ``re``; a lower-case literal search is fast.
    """

    def __init__(self, pattern: str) -> None:
        self.low = re.compile(pattern)
        self.ci = re.compile(pattern, re.IGNORECASE)

    def finditer(self, text: str) -> Iterable[re.Match[str]]:
        low = _lowered(text)
        # lower() can change the length of some non-ASCII text; then offsets would drift.
        return self.low.finditer(low) if len(low) == len(text) else self.ci.finditer(text)


@functools.lru_cache(maxsize=8)
def _lowered(text: str) -> str:
    return text.lower()


# Prefilters for the single-purpose scans further down.
_EDITION_ANCHOR = _Anchor(r"ajcc")
_KI67_ANCHOR = _Anchor(r"ki|mib")
_GLEASON_ANCHOR = _Anchor(r"gleason")
_GRADE_GROUP_ANCHOR = _Anchor(r"group")
_MMR_ANCHOR = _Anchor(r"mismatch|mmr")
_MSI_ANCHOR = _Anchor(r"msi|mss|microsatellite")
_PDL1_ANCHOR = _Anchor(r"pd-?l1")


def _windows(text: str, anchor: _Anchor, before: int, after: int) -> list[tuple[int, int]]:
    """Merged text windows around cheap anchor words.

    The big alternations (histologies, procedures, node phrases) are only tried near a word
    they must contain, which keeps the whole extractor linear and fast on long reports.
    """
    spans: list[tuple[int, int]] = []
    for m in anchor.finditer(text):
        start, end = max(0, m.start() - before), min(len(text), m.end() + after)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _finditer_near(
    pattern: re.Pattern[str], text: str, anchor: _Anchor, before: int, after: int
) -> Iterable[re.Match[str]]:
    return _finditer_windows(pattern, text, _windows(text, anchor, before, after))


def _finditer_windows(
    pattern: re.Pattern[str], text: str, windows: list[tuple[int, int]]
) -> Iterable[re.Match[str]]:
    seen_end = -1
    for start, end in windows:
        for m in pattern.finditer(text, start, end):
            if m.start() >= seen_end:
                seen_end = m.end()
                yield m


# ---------------------------------------------------------------------------------------
# Addenda: every candidate fact knows how many addendum headings precede it.

_ADDENDUM_RE = re.compile(
    r"(?<![A-Za-z])(?:ADDENDUM|Addendum|AMENDED|Amended|REVISED|Revised|CORRECTED|Corrected)"
    r"(?:[ \t]+(?:REPORT|Report|DIAGNOSIS|Diagnosis|DIAGNOSES|#?\s?\d{1,2}|NUMBER\s[A-Z]{3,5}))?"
    r"[ \t]*(?:[:.\n\-]|$)"
)
_ADDENDUM_NOT_AFTER = re.compile(r"(?i)(?:\ban|\bin|\bfor|\bas|\bsee|\bof|\bthe|\bto)\s*$")
_ADDENDUM_EMPTY_AFTER = re.compile(
    r"(?i)\s*(?:none|n/a|not applicable|\{not entered\}|performed by|final|review|m\.d\.|,)"
)


def _addendum_starts(text: str) -> list[int]:
    starts = []
    for m in _ADDENDUM_RE.finditer(text):
        before = text[max(0, m.start() - 12) : m.start()]
        if _ADDENDUM_NOT_AFTER.search(before):
            continue
        if _ADDENDUM_EMPTY_AFTER.match(text, m.end(), m.end() + 20):
            continue
        starts.append(m.start())
    return starts


def _dedupe_values(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[Any] = set()
    out = []
    for f in facts:
        if f.value in seen:
            continue
        seen.add(f.value)
        out.append(replace(f, superseded=(), alternatives=()))
    return out
