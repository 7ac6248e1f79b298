"""Pathology report extractor: report text in, structured facts with evidence out.

Pure module (no Django). Every fact carries the exact source span it came from, so the
product can highlight it and a patient can check it. Rules, not a model:

* A fact that is not stated is absent. Nothing is guessed.
* A fact may be *derived* only by an unambiguous rule from stated words (pN0 when every
  counted lymph node is negative, grade group from a Gleason score, ...). It is then marked
  ``derived`` and its span points at the words it was derived from.
* When an addendum restates a fact, the latest addendum wins; the earlier value is kept in
  ``superseded`` so the interface can show both.
* When the report states two different values that no addendum reconciles (two tumours, a
  typo), the fact is marked ``uncertain`` and the other values are kept in ``alternatives``.

Input is capped (``MAX_CHARS``) and every regular expression is written without nested
unbounded quantifiers, so a huge or garbage text finishes in bounded, linear time.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

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
    details: dict[str, Any] = field(default_factory=dict)
    superseded: tuple[Fact, ...] = ()
    alternatives: tuple[Fact, ...] = ()
    # Internal ranking (higher wins among candidates of the same addendum level).
    rank: int = field(default=0, compare=False)
    addendum: int = field(default=0, compare=False)

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

_WORD_NUMBERS = {
    "no": 0,
    "none": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}

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


def _roman(token: str) -> str:
    """Normalise OCR'd roman numerals: 'Illc' -> 'IIIC', 'lV' -> 'IV'."""
    token = token.strip()
    head = re.match(r"[IVXilv1|]+", token)
    if not head:
        return token.upper()
    numeral = head.group(0).translate(str.maketrans({"l": "I", "i": "I", "1": "I", "|": "I"}))
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


# ---------------------------------------------------------------------------------------
# TNM

_T_CAT = r"(?P<tc>is|IS|Is|a(?![A-Za-z0-9])|i(?=[a-d](?![a-oq-z]))|[0-4]|[Xx]|[lI|](?=[a-dA-D\s\W]|$)|[Oo](?=[\s\W]|$))"
_T_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<pre>[yYrRmM]{0,2})(?P<p>[pP])[ ]?T[ ]?"
    + _T_CAT
    + r"(?P<ts>[a-dA-D](?![a-oq-z]))?(?P<ts2>[12](?![\d.]))?(?P<tmi>mic?(?![a-z]))?"
    r"(?P<tm>[ ]?\((?:m|\d{1,2}|sn)\))?"
)
_BARE_T_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<pre>[yYrR]?)T[ ]?"
    + _T_CAT
    + r"(?P<ts>[a-dA-D](?![a-oq-z]))?(?P<ts2>[12](?![\d.]))?(?P<tmi>mic?(?![a-z]))?"
    r"(?P<tm>[ ]?\((?:m|\d{1,2}|sn)\))?"
)
_N_BODY = (
    r"N[ ]?(?P<nc>[0-3]|[Xx]|[Oo](?![a-z])|[lI](?![a-z]))(?P<ns>[a-cA-C](?![a-oq-z]))?"
    r"(?P<nmi>\(?mi\)?(?![a-z]))?(?P<nq>[ ]?\((?i:i|mol|sn|sn[,\s]*i|i[,\s]*sn)[+-]?\)|[ ]?\((?i:sn)\))?"
)
_P_N_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?P<pre>[yY]?)(?P<p>[pP])[ ]?" + _N_BODY)
_M_BODY = r"M[ ]?(?P<mc>[01]|[Xx]|[Oo](?![a-z])|[lI](?![a-z]))(?P<ms>[a-dA-D](?![a-oq-z]))?"
_P_M_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?P<pre>[yY]?)(?P<p>[pP])[ ]?" + _M_BODY)
_FOLLOW_N = re.compile(r"[ ,;/\-]{0,3}(?:R[0-2X][ ,;/\-]{0,2})?(?P<p>[pP]?)[ ]?" + _N_BODY)
_FOLLOW_M = re.compile(r"[ ,;/\-]{0,3}(?:\([^()]{1,20}\)[ ,;]{0,2})?(?P<p>[pPcC]?)[ ]?" + _M_BODY)

# Context that makes a bare "T2 N0" pathologic rather than clinical.
_PATH_STAGE_CONTEXT = re.compile(
    r"(?i)(?:p?TNM|patholog\w*\s+(?:stag\w*|tnm|classification)|stag(?:e|ing)\s*(?:\(|:|-)"
    r"|stag(?:e|ing)\s+(?:form|summary)\s*:"
    r"|primary\s+tumou?r\s*(?:\(p?T\))?|AJCC)[^.]{0,40}$"
)
_CLINICAL_CONTEXT = re.compile(r"(?i)(?:clinical|\bc[TNM]\b|history|pre-?op|radiolog)")
_DEFINITION_AFTER = re.compile(r"\s*[:=\-]\s*[A-Z]?[a-z]")


_CATEGORY_LIST_AFTER = re.compile(
    r"\s*(?:(?i:and|or|to|,|/)\s*(?:p\s?)?T\s?(?:[0-4]|is)|(?i:tumou?rs\b)|categor|only)"
)
_CATEGORY_LIST_BEFORE = re.compile(r"(?:p\s?)?T\s?(?:[0-4]|is)[a-d]?\s*(?i:and|or|to|,)\s*$")
# "the stage will be changed to pT1b": a correction inside the report counts like an addendum.
_CORRECTION_BEFORE = re.compile(
    r"(?i)(?:changed|revised|amended|corrected|updated|modified)\s+(?:to|as)\s*:?\s*$|should\s+(?:read|be)\s*:?\s*$"
)


def _t_value(m: re.Match[str]) -> str:
    cat = m.group("tc")
    if cat.lower() == "is":
        core = "Tis"
    elif cat == "a":
        core = "Ta"
    else:
        core = "T" + cat.translate(_OCR_DIGIT).upper()
    if m.group("ts") and core not in ("TX", "Tis", "Ta"):
        core += m.group("ts").lower()
        if m.group("ts2"):
            core += m.group("ts2")
    if m.group("tmi") and core == "T1":
        core = "T1mi"
    return core


def _n_value(m: re.Match[str]) -> str:
    core = "N" + m.group("nc").translate(_OCR_DIGIT).upper()
    if m.group("ns") and core != "NX":
        core += m.group("ns").lower()
    if m.group("nmi") and core == "N1":
        core = "N1mi"
    qual = (m.group("nq") or "").strip().replace(" ", "").lower()
    if core == "N0":
        for tag in ("(i+)", "(i-)", "(mol+)", "(mol-)"):
            if tag in qual or qual.endswith(tag[1:]):
                core += tag
                break
    return core


def _m_value(m: re.Match[str]) -> str:
    core = "M" + m.group("mc").translate(_OCR_DIGIT).upper()
    if m.group("ms") and core == "M1":
        core += m.group("ms").lower()
    return core


def _prefixes(pre: str, multiple: bool) -> list[str]:
    flags = []
    low = pre.lower()
    if "y" in low:
        flags.append("y")
    if "r" in low:
        flags.append("r")
    if "m" in low or multiple:
        flags.append("m")
    return flags


def _tnm_candidates(text: str) -> list[Fact]:
    out: list[Fact] = []
    t_spans: list[tuple[int, int]] = []
    t_hits: list[tuple[re.Match[str], bool]] = []
    for m in _T_TOKEN.finditer(text):
        t_hits.append((m, True))
    for m in _BARE_T_TOKEN.finditer(text):
        before = text[max(0, m.start() - 60) : m.start()]
        if not _PATH_STAGE_CONTEXT.search(before) or _CLINICAL_CONTEXT.search(before[-30:]):
            continue
        t_hits.append((m, False))
    t_hits.sort(key=lambda h: h[0].start())

    for m, has_p in t_hits:
        if _CATEGORY_LIST_AFTER.match(text, m.end()) or _CATEGORY_LIST_BEFORE.search(
            text, max(0, m.start() - 12), m.start()
        ):
            continue  # "(pT1 and pT2 tumors)": a label naming categories, not a result
        # A "pT1: tumour 2 cm or less" entry is only an answer when it is not one line of a
        # printed list of every option; _drop_option_lists removes the lists later.
        definition = bool(_DEFINITION_AFTER.match(text, m.end()))
        value = _t_value(m)
        multiple = bool(m.group("tm") and "m" in m.group("tm")) or (
            m.group("tm") is not None and re.search(r"\(\d", m.group("tm") or "") is not None
        )
        flags = _prefixes(m.group("pre"), multiple)
        rank = 3 if has_p else 2
        out.append(
            _fact(
                "pT",
                value,
                text,
                m.start(),
                m.end(),
                rank=rank,
                prefixes=flags or None,
                definition=definition or None,
            )
        )
        t_spans.append((m.start(), m.end()))
        # N and M written right after T belong to the same pathologic group.
        nm = _FOLLOW_N.match(text, m.end())
        end = m.end()
        if nm:
            out.append(
                _fact(
                    "pN",
                    _n_value(nm),
                    text,
                    nm.start() + len(nm.group(0)) - len(nm.group(0).lstrip(" ,;/-")),
                    nm.end(),
                    rank=rank,
                    sentinel=("sn" in (nm.group("nq") or "")) or None,
                )
            )
            end = nm.end()
        mm = _FOLLOW_M.match(text, end)
        if mm and nm and mm.group("p").lower() != "c":
            out.append(
                _fact(
                    "pM",
                    _m_value(mm),
                    text,
                    mm.end() - len(mm.group(0).lstrip(" ,;/-")),
                    mm.end(),
                    rank=rank,
                )
            )

    covered = sorted((f.start, f.end) for f in out if f.field in ("pN", "pM"))
    covered_starts = [c[0] for c in covered]

    def inside(pos: int) -> bool:
        i = bisect.bisect_right(covered_starts, pos) - 1
        return i >= 0 and covered[i][0] <= pos < covered[i][1]

    for m in _P_N_TOKEN.finditer(text):
        if inside(m.start() + len(m.group("pre")) + 1):
            continue
        out.append(
            _fact(
                "pN",
                _n_value(m),
                text,
                m.start(),
                m.end(),
                rank=3,
                definition=bool(_DEFINITION_AFTER.match(text, m.end())) or None,
                sentinel=("sn" in (m.group("nq") or "")) or None,
            )
        )
    for m in _P_M_TOKEN.finditer(text):
        if inside(m.start() + 1):
            continue
        out.append(
            _fact(
                "pM",
                _m_value(m),
                text,
                m.start(),
                m.end(),
                rank=3,
                definition=bool(_DEFINITION_AFTER.match(text, m.end())) or None,
            )
        )
    out.extend(_labelled_tnm(text))
    return _drop_option_lists(out)


# "Regional lymph nodes (pN): cannot be assessed" / "Primary tumor (pT): T3" / "pN: N1"
_LABELLED_TNM = re.compile(
    r"(?i)(?P<label>primary\s+tumou?r\s*\(p?T\)|regional\s+lymph\s+nodes\s*\(p?N\)"
    r"|distant\s+metastas[ie]s\s*\(p?M\)|\b[TNM]\s+stage,?\s+pathologic|\bp[TNM]\s+category)"
    r"\s*[:\-]?\s*(?P<val>[^.;\n]{0,60})"
)


_LABELLED_TNM_ANCHOR = _Anchor(r"\(p?[tnm]\)|stage,?\s+pathologic|category")


def _labelled_tnm(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_LABELLED_TNM, text, _LABELLED_TNM_ANCHOR, 40, 90):
        label = m.group("label").lower()
        axis = "T" if ("tumo" in label or label.lstrip().startswith("t")) else None
        if axis is None:
            axis = "N" if ("node" in label or label.lstrip().startswith(("n", "pn"))) else "M"
        if label.startswith("pt"):
            axis = "T"
        val = m.group("val")
        vstart = m.start("val")
        if re.match(
            r"(?i)\s*(?:cannot\s+be\s+assessed|not\s+assessed|cannot\s+be\s+determined)", val
        ):
            name = "p" + axis
            out.append(_fact(name, axis + "X", text, vstart, m.end("val"), rank=2))
            continue
        bare = {
            "T": re.compile(
                r"\s*(?:p\s?)?T[ ]?"
                + _T_CAT
                + r"(?P<ts>[a-d](?![a-oq-z]))?(?P<ts2>[12](?![\d.]))?(?P<tmi>mi)?"
            ),
            "N": re.compile(r"\s*(?:p\s?)?" + _N_BODY),
            "M": re.compile(r"\s*(?:p\s?)?" + _M_BODY),
        }[axis]
        bm = bare.match(text, vstart)
        if not bm:
            continue
        if axis == "T":
            value = _t_value(bm)
        elif axis == "N":
            value = _n_value(bm)
        else:
            value = _m_value(bm)
        definition = bool(_DEFINITION_AFTER.match(text, bm.end())) or None
        out.append(
            _fact("p" + axis, value, text, bm.start(), bm.end(), rank=2, definition=definition)
        )
    return out


def _drop_option_lists(cands: list[Fact]) -> list[Fact]:
    """Remove printed checklists that spell out every category ("pT1: ..., pT2: ...")."""
    keep: list[Fact] = []
    for axis in ("pT", "pN", "pM"):
        items = sorted((f for f in cands if f.field == axis), key=lambda f: f.start)
        defs = [f for f in items if f.details.get("definition")]
        starts = [f.start for f in defs]
        for f in items:
            if f.details.get("definition"):
                lo = bisect.bisect_left(starts, f.start - 500)
                hi = bisect.bisect_right(starts, f.start + 500)
                # Only the first few values matter: three different ones make a list.
                near = {g.value for g in defs[lo : min(hi, lo + 12)]}
                if len(near) >= 3:
                    continue
            keep.append(f)
    return keep


# ---------------------------------------------------------------------------------------
# Stage group and AJCC edition

_STAGE_GROUP = re.compile(
    r"(?i)(?P<ctx>(?:AJCC|patholog\w*|prognostic|anatomic|overall|tnm)?\s*(?:stage|staging)"
    r"(?:\s+group(?:ing)?)?(?:\s*\([^()\n]{0,30}\))?)\s*[:\-]?\s*(?:stage\s+)?"
    r"(?P<val>(?:[IVil1|]{1,4})[ABCabc]?[123]?)(?![A-Za-z0-9])"
)
_FIGO_STAGE = re.compile(
    r"(?i)FIGO\s*(?:stage)?\s*[:\-]?\s*(?:\(?(?:19|20)\d\d\)?\s*)?(?:stage\s+)?"
    r"(?P<val>(?:[IVil1|]{1,4})[ABCabc]?[123]?)(?![A-Za-z0-9])"
)


_HISTORY_BEFORE = re.compile(
    r"(?i)(?:history\s+of|prior|previous|diagnosed\s+with|s/p|status\s+post|treated\s+for)[^.;:]{0,30}$"
)


def _stage_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_STAGE_GROUP, text, _STAGE_ANCHOR, 70, 70):
        raw = m.group("val")
        if re.fullmatch(r"[1|l]+", raw):
            continue  # a bare "stage 1" in prose is too easy to misread
        ctx = m.group("ctx").lower()
        if "clinical" in text[max(0, m.start() - 15) : m.start()].lower():
            continue
        if _HISTORY_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "history of stage II breast cancer" is not this report's stage
        if "figo" in text[max(0, m.start() - 10) : m.start("val")].lower():
            continue  # the FIGO pattern below reads this one
        value = _roman(raw)
        if not re.fullmatch(r"(?:I{1,3}|IV)(?:[ABC][12]?)?", value):
            continue
        rank = 3 if any(k in ctx for k in ("ajcc", "patholog", "group", "prognostic")) else 1
        out.append(
            _fact(
                "stage_group", value, text, m.start("val"), m.end("val"), rank=rank, system="AJCC"
            )
        )
    for m in _finditer_near(_FIGO_STAGE, text, _STAGE_ANCHOR, 10, 60):
        value = _roman(m.group("val"))
        if not re.fullmatch(r"(?:I{1,3}|IV)(?:[ABC][12]?)?", value):
            continue
        out.append(
            _fact("stage_group", value, text, m.start("val"), m.end("val"), rank=0, system="FIGO")
        )
    return out


_STAGE_ANCHOR = _Anchor(r"stag|figo")
_EDITION = re.compile(
    r"(?i)AJCC[^.\n]{0,30}?(?:(?P<ord>[5-8])(?:\s?(?:th|st|nd|rd)\b(?:\s*ed(?:ition|\.)?)?"
    r"|\s*ed(?:ition|\.)?)"
    r"|\(?(?P<year>2002|2009|2010|2017|2018)\)?)"
    r"|(?P<ord2>[5-8])\s?(?:th)\s+ed(?:ition|\.)?[^.\n]{0,20}AJCC"
)
_EDITION_YEAR = {"2002": 6, "2009": 7, "2010": 7, "2017": 8, "2018": 8}


def _edition_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_EDITION, text, _EDITION_ANCHOR, 40, 60):
        if m.group("ord") or m.group("ord2"):
            value = int(m.group("ord") or m.group("ord2"))
        elif re.search(r"(?i)FIGO|WHO|ISUP|TNM", text[m.start() : m.start("year")]):
            continue  # "AJCC 8th / FIGO 2009": the year is FIGO's, not the AJCC edition
        else:
            value = _EDITION_YEAR[m.group("year")]
        out.append(_fact("ajcc_edition", value, text, m.start(), m.end(), rank=1))
    return out


# ---------------------------------------------------------------------------------------
# Lymph nodes

_NODE_FRACTION = re.compile(
    r"(?i)(?<![\w./])(?P<pos>\d{1,3})\s?/\s?(?P<tot>\d{1,3})(?![\d/])(?=[^.\n]{0,6}(?:\)|\s|$|\.|,|;))"
)
# "Lymph nodes: 3 of 15 positive"
_NODES_X_OF_Y = re.compile(
    r"(?i)lymph\s+nodes?\s*[:\-]\s*(?P<pos>\d{1,3})\s*(?:of|out\s+of)\s*(?P<tot>\d{1,3})\s+"
    r"(?:positive|involved|with\s+metasta\w+)"
)
_FRACTION_THEN_NEGATIVE = re.compile(
    r"(?i)[\s)]*(?:\w+\s+){0,2}(?:lymph\s+)?nodes?\)?[,;:]?\s+(?:are\s+|were\s+|all\s+)?"
    r"(?:negative|free|uninvolved|benign|with\s+no|without)"
)
# A fraction right after these words is a date or a time, never a node count.
_DATE_BEFORE = re.compile(
    r"(?i)(?:addend\w*|amend\w*|revis\w*|correct\w*|supplement\w*|\bdated?|dates|received|"
    r"collected|signed|reported|verified|accessioned|\bon|\bat)"
    r"(?:\s+(?:report|note|diagnosis|comment|dated?|on))?\W{0,4}$"
)
_TIME_AFTER = re.compile(r"(?i)\s?(?:a\.?m\b|p\.?m\b|hrs?\b|h\b|o'?clock)")
_NODE_WORDS_NEAR = re.compile(r"(?i)(?:lymph|node|\bLN\b|nodal|sentinel|\by?p?N[0-3X]\b)")
_NODES_EXAMINED = re.compile(
    r"(?i)(?:(?<=nodes:\s)number\s+examined|(?<=nodes\):\s)number\s+examined|(?:total\s+)?number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+(?:examined|identified|"
    r"retrieved|recovered|submitted)|lymph\s+nodes\s+examined|nodes\s+examined|examined\s+lymph\s+nodes)"
    r"(?:\s*\([^()]{0,45}\))?\s*[:\-]?\s*(?P<n>" + _NUMBER_WORD + r")\b"
)
# CAP breast: "Number of Lymph Nodes with Macrometastases (>2 mm): 1", "... Micrometastases ...: 0"
_NODES_METS = re.compile(
    r"(?i)number\s+of\s+(?:lymph\s+)?nodes\s+with\s+(?P<kind>macro|micro)-?\s?metastases"
    r"(?:\s*\([^()]{0,30}\))?\s*[:\-]\s*(?P<n>\d{1,3})\b"
)
_NODES_POSITIVE = re.compile(
    r"(?i)(?:number\s+(?:involved|positive)|number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+with\s+"
    r"(?:metasta\w+|tumou?r|carcinoma|cancer)"
    r"|number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+(?:involved|positive)(?:\s+(?:by|for)\s+"
    r"(?:tumou?r|carcinoma|metasta\w+))?|lymph\s+nodes\s+(?:involved|positive)|nodes\s+(?:involved|positive)"
    r"|positive\s+lymph\s+nodes)"
    r"(?:\s*\([^()]{0,20}\))?\s*[:\-]?\s*(?P<n>" + _NUMBER_WORD + r")\b"
)
# "metastatic carcinoma in two of fourteen lymph nodes", "three of twelve lymph nodes positive"
_NODES_OF = re.compile(
    r"(?i)\b(?P<pos>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:out\s+)?of\s+(?P<tot>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:\w+\s+){0,2}?(?:lymph\s+)?nodes?"
)
# "twelve lymph nodes, negative for carcinoma", "no tumor in eight lymph nodes"
_NODES_ALL_NEG = re.compile(
    r"(?i)\b(?:(?P<neg1>no\s+(?:evidence\s+of\s+)?(?:metasta\w+|tumou?r|carcinoma|malignancy)"
    r"(?:\s+\w+){0,2}?\s+(?:in|seen\s+in|identified\s+in)\s+(?P<n1>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:\w+\s+){0,2}?(?:lymph\s+)?nodes?)"
    r"|(?P<n2>" + _NUMBER_WORD + r")\s+(?:\(\d{1,3}\)\s+)?(?:benign\s+|reactive\s+)?"
    r"(?:regional\s+)?lymph\s+nodes?[,;]?\s+(?:negative|free|uninvolved|benign|with\s+no)"
    r"(?:\s+for\s+(?:metasta\w+|tumou?r|carcinoma|malignancy))?)"
)
_NODE_ANCHOR = _Anchor(r"nodes?\b")
# Words that mean some node (or deposit) holds cancer even without a "n/m" count.
_NODE_POSITIVE_WORDS = re.compile(
    r"(?i)(?:isolated\s+tumou?r\s+cells|micro-?\s?metasta|macro-?\s?metasta|tumou?r\s+deposits?"
    r"|extra-?\s?capsular\s+(?:extension|spread)|extra-?\s?nodal\s+(?:extension|spread)"
    r"|non-lymph\s+node\s+\w+\s+tumou?r|in-transit|satellite\s+nodule|metasta\w*)"
)
_NODE_POSITIVE_NEGATED = re.compile(
    r"(?i)(?:\bno\b|\bnot?\b|negative|free\s+of|without|absence\s+of|distant|\(p?[MN]\)|cannot"
    r"|rule\s+out|r/o|suspicious\s+for|if\s+|or\b|none)[^.;:]{0,40}$"
)


def _node_positive_mentioned(text: str) -> bool:
    """True when the report says, in any words, that cancer reached a node or deposit."""
    for m in _NODE_POSITIVE_WORDS.finditer(text):
        before = text[max(0, m.start() - 45) : m.start()]
        after = text[m.end() : m.end() + 40]
        if _NODE_POSITIVE_NEGATED.search(before):
            continue
        if re.match(
            r"(?i)\w*\s*[:\-]?\s*(?:not\s+identified|absent|none|no\b|negative|not\s+present)",
            after,
        ):
            continue
        if m.group(0).lower().startswith("metasta"):
            window = text[max(0, m.start() - 120) : m.end() + 120]
            if not re.search(r"(?i)node|nodal|\bLN\b", window) or re.search(
                r"(?i)distant|\(p?M\)", before
            ):
                continue
        return True
    return False


def _restated(text: str, prev_end: int, start: int) -> bool:
    """True when a count equal to the one ending at prev_end, starting at start, repeats it:
    close by, or later in the same sentence ("0 of 2 nodes ... (0/2)"). Equal counts in
    different sentences may be different node groups ("right 0/1. left 0/1") and stay apart."""
    gap = text[prev_end:start]
    return len(gap) <= 12 or (len(gap) <= 120 and not re.search(r"\.\s|[;\n]", gap))


def _node_candidates(text: str) -> list[Fact]:
    out: list[Fact] = []
    node_windows = _windows(text, _NODE_ANCHOR, 140, 80)
    for m in _finditer_windows(_NODES_EXAMINED, text, node_windows):
        n = _to_int(m.group("n"))
        if n is not None:
            label = m.group(0).lower()
            # The total beats a partial count ("Number of sentinel nodes examined").
            rank = 4 if label.startswith("total") else (2 if "sentinel" in label else 3)
            out.append(_fact("nodes_examined", n, text, m.start(), m.end(), rank=rank))
    mets = {m.group("kind").lower(): m for m in _finditer_windows(_NODES_METS, text, node_windows)}
    if len(mets) == 2:
        total = int(mets["macro"].group("n")) + int(mets["micro"].group("n"))
        first, last = sorted(mets.values(), key=lambda m: m.start())
        out.append(
            _fact(
                "nodes_positive",
                total,
                text,
                first.start(),
                last.end(),
                rank=2,
                status=DERIVED,
                rule="nodes with macrometastases plus nodes with micrometastases",
            )
        )
    for m in _finditer_windows(_NODES_POSITIVE, text, node_windows):
        n = _to_int(m.group("n"))
        if n is not None:
            out.append(_fact("nodes_positive", n, text, m.start(), m.end(), rank=3))
    fractions: list[tuple[int, int, re.Match[str]]] = []
    for m in _NODE_FRACTION.finditer(text):
        window = text[max(0, m.start() - 120) : m.end() + 40]
        if not _NODE_WORDS_NEAR.search(window):
            continue
        pos, tot = int(m.group("pos")), int(m.group("tot"))
        if tot == 0 or pos > tot or tot > 150:
            continue
        # Dates ("3/12/2009") and ratios ("HER2/CEP17") are excluded by the context checks.
        if re.match(r"/\d", text[m.end() : m.end() + 2]) or re.search(
            r"\d/$", text[max(0, m.start() - 2) : m.start()]
        ):
            continue
        # "11/11 lymph nodes, negative for malignancy" counts negative nodes, not positive ones.
        if _FRACTION_THEN_NEGATIVE.match(text, m.end(), m.end() + 60):
            if pos != tot:
                continue  # "10/12 nodes negative": which way round is not clear
            pos = 0
        if re.search(r"(?i)(?:\bp\.?|page)\s*$", text[max(0, m.start() - 6) : m.start()]):
            continue  # "page 8/33"
        if _DATE_BEFORE.search(text, max(0, m.start() - 30), m.start()) or _TIME_AFTER.match(
            text, m.end()
        ):
            continue  # "ADDENDUM (03/14)", "amended 11/12", "received at 10/30 am": dates, times
        fractions.append((pos, tot, m))
    for m in _finditer_windows(_NODES_X_OF_Y, text, node_windows):
        pos, tot = int(m.group("pos")), int(m.group("tot"))
        if 0 < tot <= 150 and pos <= tot:
            fractions.append((pos, tot, m))
    for m in _finditer_windows(_NODES_OF, text, node_windows):
        pos, tot = _to_int(m.group("pos")), _to_int(m.group("tot"))
        if pos is None or tot is None or tot == 0 or pos > tot:
            continue
        fractions.append((pos, tot, m))
    for m in _finditer_windows(_NODES_ALL_NEG, text, node_windows):
        n = _to_int(m.group("n1") or m.group("n2") or "")
        if n:
            fractions.append((0, n, m))
    # "two of eighteen lymph nodes (2/18)" is one count written twice: merge neighbours.
    fractions.sort(key=lambda x: x[2].start())
    merged: list[tuple[int, int, int, int]] = []
    for pos, tot, m in fractions:
        if merged and merged[-1][:2] == (pos, tot) and _restated(text, merged[-1][3], m.start()):
            merged[-1] = (pos, tot, merged[-1][2], max(m.end(), merged[-1][3]))
        elif merged and m.start() < merged[-1][3]:
            continue
        else:
            merged.append((pos, tot, m.start(), m.end()))
    # A single count is a stated fact; several partial counts only say "all negative".
    if len(merged) == 1:
        pos, tot, start, end = merged[0]
        out.append(_fact("nodes_positive", pos, text, start, end, rank=1))
        out.append(_fact("nodes_examined", tot, text, start, end, rank=1))
    elif merged:
        out.extend(
            _fact("nodes_fraction", (pos, tot), text, start, end, rank=0)
            for pos, tot, start, end in merged
        )
    return out


# ---------------------------------------------------------------------------------------
# Present / absent findings (LVI, PNI, ENE, margins)

_NEG_BEFORE = re.compile(
    r"(?i)(?:\bno\b|\bnot\b|\bnegative\s+for|\bwithout|\bfree\s+of|\babsence\s+of|\bnor\b)[^.;:]{0,40}$"
)
_ABSENT_AFTER = re.compile(
    r"(?i)\s*(?:\([^()]{0,20}\)\s*)?(?:is\s+|are\s+)?[:\-]?\s*(?:\[?x\]?\s*)?"
    r"(?P<v>not\s+(?:identified|seen|present|detected|evident|noted)|absent|negative|none|no\b"
    r"|present|positive|identified|seen|yes\b|suspicious|indeterminate|equivocal"
    r"|cannot\s+be\s+(?:assessed|determined|evaluated)|not\s+(?:assessed|applicable))"
)


def _presence(word: str) -> str | None:
    w = word.lower()
    if w.startswith(
        ("not identified", "not seen", "not present", "not detected", "not evident", "not noted")
    ):
        return "absent"
    if w in ("absent", "negative", "none", "no"):
        return "absent"
    if w in ("present", "positive", "identified", "seen", "yes"):
        return "present"
    if w.startswith("cannot") or w in ("indeterminate", "equivocal", "suspicious"):
        return "indeterminate"
    return None


_NEG_TIGHT = re.compile(
    r"(?i)(?:\bno\b|\bnot\b|negative\s+for|without|free\s+of|absence\s+of)"
    r"(?:\s+(?:evidence\s+of|definite|definitive|obvious|convincing|residual|identifiable))?\s*$"
)


def _presence_candidates(
    text: str, name: str, pattern: re.Pattern[str], anchor: _Anchor
) -> list[Fact]:
    out = []
    for m in _finditer_near(pattern, text, anchor, 30, 60):
        after = _ABSENT_AFTER.match(text, m.end(), m.end() + 60)
        before = text[max(0, m.start() - 50) : m.start()]
        tight = _NEG_TIGHT.search(before)
        if tight and not (after and _presence(after.group("v")) == "indeterminate"):
            start = m.start() - (len(before) - tight.start())
            end = after.end() if after else m.end()
            out.append(_fact(name, "absent", text, start, end, rank=3))
        elif after and _presence(after.group("v")):
            value = _presence(after.group("v"))
            out.append(_fact(name, value, text, m.start(), after.end(), rank=3))
        elif _NEG_BEFORE.search(before):
            neg = _NEG_BEFORE.search(before)
            assert neg is not None
            start = m.start() - (len(before) - neg.start())
            out.append(_fact(name, "absent", text, start, m.end(), rank=2))
        elif re.search(
            r"(?i)(?:with|shows|showing|demonstrat\w+|and|focal|extensive|present)\s+$",
            before[-25:],
        ):
            out.append(_fact(name, "present", text, m.start(), m.end(), rank=1))
    return out


_LVI = re.compile(
    r"(?i)\b(?:(?:lympho-?\s?vascular(?:\s+space)?|lymph-?\s?vascular|angio-?lymphatic"
    r"|lymphatic(?:\s+and|/)?\s*(?:vascular|venous)?|vascular)"
    r"(?:\s+(?:or|and|/)\s+perineural)?\s+(?:invasion|involvement)"
    r"(?:\s*\((?:LVI|LVSI)\))?|LVSI|LVI)\b"
)
_LVI_ANCHOR = _Anchor(r"vascul|lymphatic|lvi|lvsi")
_PNI_ANCHOR = _Anchor(r"neur|pni")
_ENE_ANCHOR = _Anchor(r"extra")
_FOCALITY_ANCHOR = _Anchor(r"focal|centric|solitary|single")
_PNI = re.compile(
    r"(?i)\b(?:peri-?\s?neural|perineurial)\s+(?:invasion|infiltration|spread)|\bPNI\b"
)
_ENE = re.compile(
    r"(?i)\b(?:extra-?\s?nodal\s+extension|extranodal\s+(?:tumou?r\s+)?spread|"
    r"extra-?\s?capsular\s+(?:extension|spread)(?=[^.]{0,40}\bnod))"
)

_MARGIN_LABEL = re.compile(
    r"(?i)\b(?:(?:surgical\s+|resection\s+|inked\s+|final\s+)?margins?(?:\s+status)?"
    r"(?:\s+of\s+resection)?)\s*[:\-]\s*"
)
_MARGIN_INVOLVED = re.compile(
    r"(?i)\b(?:margins?\s+(?:is\s+|are\s+)?(?:positive|involved)|positive\s+(?:\w+\s+){0,2}margins?"
    r"|(?:extends?|extending|present)\s+(?:to|at)\s+(?:the\s+)?(?:\w+\s+){0,2}(?:inked\s+|resection\s+|surgical\s+)?margins?"
    r"|involv\w*\s+(?:the\s+)?(?:\w+\s+){0,2}margins?)"
)
_MARGIN_CLEAR = re.compile(
    r"(?i)\b(?:margins?\s+(?:are\s+|is\s+)?(?:all\s+)?(?:negative|free|clear|uninvolved|not\s+involved)"
    r"|(?:negative|free|clear|uninvolved)\s+(?:\w+\s+){0,2}margins?"
    r"|margins?\s+(?:are\s+)?(?:free\s+of|negative\s+for|uninvolved\s+by))"
)
_MARGIN_CLOSE = re.compile(
    r"(?i)\bclose\s+(?:\w+\s+){0,2}margins?|margins?\s+(?:is\s+|are\s+)?close\b"
)
_MARGIN_ANCHOR = _Anchor(r"margin")
_MARGIN_DISTANCE = re.compile(
    r"(?i)(?:distance\s+(?:of\s+)?(?:invasive\s+)?(?:carcinoma|tumou?r|melanoma)?\s*(?:from|to)\s+"
    r"(?:the\s+)?(?:closest|nearest)\s+(?:\w+\s+)?margin|closest|nearest)"
    r"[^0-9]{0,40}?(?P<num>\d{1,3}(?:\.\d{1,2})?)\s*(?P<unit>mm|cm)"
)


# "DCIS is close (0.5 mm) to the superior margin", "ductal carcinoma in situ close to margin, 1 mm"
_IN_SITU_CLOSE = re.compile(
    r"(?i)(?:\b[DL]CIS\b|\bcarcinoma\s+in[\s-]situ|\bin[\s-]situ\s+carcinoma)[^.;\n]{0,30}?"
    r"\bclose\b(?:\s*\(\s*(?P<num>\d{1,2}(?:\.\d{1,2})?)\s*(?P<unit>mm|cm)\s*\))?"
    r"[^.;\n]{0,40}?\bmargins?\b(?:[^.;\n\d]{0,20}?(?P<num2>\d{1,2}(?:\.\d{1,2})?)\s*(?P<unit2>mm|cm)\b)?"
)


def _margin_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_MARGIN_LABEL, text, _MARGIN_ANCHOR, 40, 30):
        seg = text[m.end() : m.end() + 80]
        seg = re.split(r"[;\n]|\.(?!\d)", seg, maxsplit=1)[0]
        low = seg.lower()
        value = None
        if re.match(
            r"\s*(?:\[?x\]?\s*)?(?:cannot\s+be\s+assessed|not\s+assessed|cannot\s+be\s+determined)",
            low,
        ):
            value = "cannot be assessed"
        elif re.search(r"\bclose\b", low):
            value = "close"
        elif re.match(
            r"\s*(?:\[?x\]?\s*)?(?:margins?\s+)?(?:(?:are|is)\s+)?(?:all\s+)?"
            r"(?:negative|uninvolved|free|clear|not\s+involved|widely\s+free)",
            low,
        ):
            value = "clear"
        elif re.match(
            r"\s*(?:\[?x\]?\s*)?(?:margins?\s+)?(?:(?:are|is)\s+)?(?:positive|involved)", low
        ):
            value = "involved"
        elif re.match(
            r"\s*(?:\[?x\]?\s*)?(?:none\s+involved|no\s+(?:tumou?r|carcinoma)\s+at)", low
        ):
            value = "clear"
        elif re.search(
            r"\b(?:present\s+at|extends?\s+to|involv(?:es|ed|ing))\b", low
        ) and not re.search(r"\b(?:no|not|negative|free|uninvolved)\b", low):
            value = "involved"  # "Margin status: invasive carcinoma present at margin(s)"
        elif re.search(r"\b(?:negative\s+for|free\s+of|uninvolved\s+by)\b", low) and not re.search(
            r"\b(?:present\s+at|positive)\b", low
        ):
            value = "clear"
        if value:
            out.append(_fact("margins", value, text, m.start(), m.end() + len(seg), rank=3))
    for pattern, value, rank in (
        (_MARGIN_INVOLVED, "involved", 2),
        (_MARGIN_CLEAR, "clear", 2),
        (_MARGIN_CLOSE, "close", 2),
    ):
        for m in _finditer_near(pattern, text, _MARGIN_ANCHOR, 80, 40):
            before = text[max(0, m.start() - 30) : m.start()]
            if value == "involved" and re.search(
                r"(?i)(?:\bno\b|\bnot\b|\bnegative\b)[^.;]{0,25}$", before
            ):
                continue
            if value == "involved" and (
                re.search(r"(?i)benign|\bPIN\b|dysplasia", text[m.start() : m.end() + 30])
                or re.search(r"(?i)benign|non-?neoplastic|normal", before)
            ):
                continue
            out.append(_fact("margins", value, text, m.start(), m.end(), rank=rank))
    for m in _finditer_near(_IN_SITU_CLOSE, text, _MARGIN_ANCHOR, 120, 20):
        num = m.group("num") or m.group("num2")
        mm = None
        if num:
            unit = (m.group("unit") or m.group("unit2")).lower()
            mm = _num(float(num) * (10 if unit == "cm" else 1))
        # Outranks "Margins: negative for invasive carcinoma": the in-situ part is close.
        out.append(
            _fact("margins", "close", text, m.start(), m.end(), rank=4, in_situ=True, closest_mm=mm)
        )
    for m in _finditer_near(_MARGIN_DISTANCE, text, _MARGIN_ANCHOR, 90, 90):
        num = float(m.group("num"))
        mm = num * 10 if m.group("unit").lower() == "cm" else num
        out.append(_fact("margin_distance", _num(mm), text, m.start(), m.end(), rank=3))
    return out


def _num(x: float) -> float | int:
    x = round(x, 2)
    return int(x) if x == int(x) else x


# ---------------------------------------------------------------------------------------
# Tumour size, grade, focality

_SIZE = re.compile(
    r"(?i)(?:tumou?r\s+size|size\s+of\s+(?:the\s+)?(?:invasive\s+|largest\s+|dominant\s+)?"
    r"(?:tumou?r|carcinoma|lesion|focus)|(?:invasive\s+)?(?:tumou?r|carcinoma)\s+size"
    r"|greatest\s+(?:dimension|diameter)(?:\s+of\s+(?:invasive\s+)?(?:tumou?r|carcinoma))?"
    r"|largest\s+(?:tumou?r|focus)(?:\s+size)?)"
    r"(?:\s*\([^()]{0,25}\))?(?:[^0-9\n<>≤≥]|[<>≤≥]\s?\d{1,2}(?:\.\d)?\s?mm){0,50}?"
    r"(?<![<>≤≥])(?P<a>\d{1,3}(?:[.,]\d{1,2})?)(?:\s*(?P<u1>cm|mm))?"
    r"(?:\s*[x×]\s*(?P<b>\d{1,3}(?:[.,]\d{1,2})?)(?:\s*(?:cm|mm))?)?"
    r"(?:\s*[x×]\s*(?P<c>\d{1,3}(?:[.,]\d{1,2})?))?\s*(?P<u>cm|mm|centimet\w*|millimet\w*)"
)


_SIZE_ANCHOR = _Anchor(r"size|dimension|diameter|largest")


# After treatment the size that matters is the residual tumour's, never the tumour bed's.
_RESIDUAL_SIZE = re.compile(
    r"(?i)\bresidual\s+(?:(?:invasive\s+)?(?:tumou?r|carcinoma|adenocarcinoma|cancer|disease)"
    r"(?:\s+(?:focus|foci|size))?|focus|foci)[^0-9\n.;]{0,30}?(?<![<>≤≥])(?P<a>\d{1,3}(?:[.,]\d{1,2})?)"
    r"(?:\s*[x×]\s*(?P<b>\d{1,3}(?:[.,]\d{1,2})?))?(?:\s*[x×]\s*(?P<c>\d{1,3}(?:[.,]\d{1,2})?))?"
    r"\s*(?P<u>cm|mm|centimet\w*|millimet\w*)"
)
_RESIDUAL_ANCHOR = _Anchor(r"residual")
_TUMOUR_BED = re.compile(r"(?i)\b(?:tumou?r|lesion)(?:al)?\s+bed\b|\bbed\b")
# OCR reads a 1 as "l" or "I" and a 0 as "O" at the start of a number ("l5%", "l.5 cm").
_OCR_LEAD = re.compile(r"(?<![A-Za-z0-9])[lI|Oo](?P<dot>[.,]?)$")


def _ocr_number(text: str, m: re.Match[str], group: str) -> tuple[float, int]:
    """The number in `group`, with a digit-like OCR letter just before it read as the digit
    ("l5" is 15, not 5); returns the number and where it starts."""
    start = m.start(group)
    raw = m.group(group).replace(",", ".")
    lead = _OCR_LEAD.search(text, max(0, start - 3), start)
    if lead and not (lead.group("dot") and "." in raw):
        digit = text[lead.start()].translate(_OCR_DIGIT)
        return float(digit + ("." if lead.group("dot") else "") + raw), lead.start()
    return float(raw), start


def _size_from(text: str, m: re.Match[str]) -> float:
    first, _ = _ocr_number(text, m, "a")
    nums = [first] + [float(m.group(g).replace(",", ".")) for g in ("b", "c") if m.group(g)]
    return max(nums) * (10 if m.group("u").lower().startswith("c") else 1)


def _size_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_SIZE, text, _SIZE_ANCHOR, 40, 90):
        size = _size_from(text, m)
        if size <= 0 or size > 400:
            continue
        prefix = text[m.start() : m.start("a")].lower()
        if "margin" in prefix or "from" in prefix:
            continue
        if _TUMOUR_BED.search(text, max(0, m.start() - 25), m.start("a")) or _TUMOUR_BED.match(
            text, m.end() + 1, m.end() + 12
        ):
            continue  # "Tumor bed, greatest dimension: 25 mm", "within a 25 mm tumor bed"
        if "residual" in text[max(0, m.start() - 60) : m.start()].lower():
            continue  # read by the residual rule below, or not at all
        out.append(_fact("tumor_size_mm", _num(size), text, m.start(), m.end(), rank=3))
    for m in _finditer_near(_RESIDUAL_SIZE, text, _RESIDUAL_ANCHOR, 5, 90):
        size = _size_from(text, m)
        if 0 < size <= 400 and not _TUMOUR_BED.match(text, m.end() + 1, m.end() + 12):
            out.append(_fact("tumor_size_mm", _num(size), text, m.start(), m.end(), rank=4))
    return out


_GRADE_PATTERNS: list[tuple[re.Pattern[str], str | None]] = [
    (
        re.compile(
            r"(?i)\bNottingham\b[^.\n:]{0,40}?(?:grade|score)?\s*[:\-]?\s*(?:grade\s+)?(?P<g>[1-3I]{1,3})(?:\s*(?:of|/)\s*3)?\b"
        ),
        "Nottingham",
    ),
    (
        re.compile(
            r"(?i)\b(?:ISUP|WHO/ISUP)(?:\s+nuclear)?\s+grade\s*[:\-]?\s*(?P<g>[1-4]|I{1,3}|IV)\b"
        ),
        "ISUP/WHO",
    ),
    (
        re.compile(r"(?i)\bFuhrman(?:\s+nuclear)?\s+grade\s*[:\-]?\s*(?P<g>[1-4]|I{1,3}|IV)\b"),
        "Fuhrman",
    ),
    (re.compile(r"(?i)\bFIGO\s+grade\s*[:\-]?\s*(?P<g>[1-3]|I{1,3}|l)\b"), "FIGO"),
    (re.compile(r"(?i)\bWHO\s+grade\s*[:\-]?\s*(?P<g>[1-4]|I{1,3}|IV)\b"), "WHO"),
    (
        re.compile(
            r"(?i)\bhisto(?:logic(?:al)?)?\s+grade\s*(?:\([^()]{0,30}\))?\s*[:\-]?\s*(?:grade\s+)?(?P<g>G?[1-4X]|I{1,3}|IV|low|high|intermediate)\b"
        ),
        None,
    ),
    (
        re.compile(
            r"(?i)\bgrade\s*[:\-]\s*(?:grade\s+)?(?P<g>G[1-4X]|[1-4](?!\s*[+/]\s*\d)|low|high)\b"
        ),
        None,
    ),
    (
        re.compile(
            r"(?<![A-Za-z])(?P<g>G[1-4])(?:\s*[:\-]\s*(?:well|moderately|poorly|un)differentiated)?(?![A-Za-z0-9])"
        ),
        None,
    ),
    (
        re.compile(r"(?i)carcinoma(?:\s+of\s+the\s+\w+)?[,\s]{1,3}(?P<g>low|high)[-\s]grade\b"),
        None,
    ),
    (
        re.compile(
            r"(?i)\b(?P<g>low|high)[-\s]grade(?=\s+(?:papillary\s+)?(?:urothelial|serous|glioma))"
        ),
        None,
    ),
]
_GRADE_ANCHOR = _Anchor(r"grade|nottingham|(?<![a-z])g[1-4]")
_DIFFERENTIATION = re.compile(r"(?i)\b(?P<w>well|moderately|poorly|un)[-\s]?differentiated\b")
_DIFF_VALUE = {"well": "1", "moderately": "2", "poorly": "3", "un": "4"}


_GRADE_RANGE = re.compile(r"\s?(?:-|to|–)\s?(?P<g2>[1-4]|I{1,3}|IV)\b")


_GRADE_SYSTEM_NEAR = re.compile(
    r"(?i)(?P<n>nottingham|scarff|bloom)|(?P<f>FIGO)|(?P<i>ISUP)|(?P<u>fuhrman)"
)


def _grade_system_before(text: str, pos: int) -> str | None:
    """A grade under a heading that names its system ("Histologic Grade (Nottingham ...)")."""
    found = None
    for m in _GRADE_SYSTEM_NEAR.finditer(text, max(0, pos - 300), pos):
        found = m
    if found is None:
        return None
    if found.group("n"):
        return "Nottingham"
    if found.group("f"):
        return "FIGO"
    if found.group("i"):
        return "ISUP/WHO"
    return "Fuhrman"


def _grade_value(raw: str) -> str | None:
    g = raw.strip().upper()
    if g.startswith("G"):
        g = g[1:]
    roman = {"I": "1", "II": "2", "III": "3", "IV": "4", "L": "1"}  # "L": OCR for 1
    g = roman.get(g, g)
    if g in ("1", "2", "3", "4", "X"):
        return g
    if g in ("LOW", "HIGH", "INTERMEDIATE"):
        return g.lower()
    return None


def _grade_candidates(text: str) -> list[Fact]:
    out = []
    windows = _windows(text, _GRADE_ANCHOR, 80, 80)
    for rank, (pattern, system) in enumerate(reversed(_GRADE_PATTERNS)):
        for m in _finditer_windows(pattern, text, windows):
            if re.search(
                r"(?i)gleason|nuclear\s*(?:grade\s*)?$|tubular\s*$|mitotic\s*$|\bPIN\b|dysplasia"
                r"|in\s+situ|DCIS",
                text[max(0, m.start() - 25) : m.start()],
            ):
                continue
            value = _grade_value(m.group("g"))
            if value is None:
                continue
            end = m.end()
            # "WHO grade 1-2": a range is reported as written, never rounded to one grade.
            rng = _GRADE_RANGE.match(text, end)
            if rng and value.isdigit():
                second = _grade_value(rng.group("g2"))
                if second and second.isdigit() and int(second) > int(value):
                    value, end = f"{value}-{second}", rng.end()
            start = m.start("g") if m.re.pattern.startswith("(?i)carcinoma") else m.start()
            named = system or _grade_system_before(text, m.end())
            out.append(_fact("grade", value, text, start, end, rank=rank, system=named))
    for m in _DIFFERENTIATION.finditer(text):
        if _NEG_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        value = _DIFF_VALUE[m.group("w").lower()]
        out.append(
            _fact("grade", value, text, m.start(), m.end(), rank=0, wording="differentiation")
        )
    return out


_FOCALITY = re.compile(r"(?i)\b(?P<v>unifocal|multifocal|multicentric|solitary|single\s+focus)\b")


_TUMOUR_WORD = r"(?:carcinoma|adenocarcinoma|tumou?rs?|neoplasm|melanoma|lymphoma|disease|foci)"


_IN_SITU = r"(?:in[\s-]situ|\b[DL]?CIS\b|\bAIS\b|\bHGPIN\b|intraepithelial)"
_IN_SITU_CLAUSE = re.compile(r"(?i)" + _IN_SITU + r"[^.;\n]*$")
_IN_SITU_AFTER = re.compile(r"(?i)[\s,]*(?:\w+\s+){0,2}" + _IN_SITU)


def _about_the_tumour(text: str, m: re.Match[str]) -> bool:
    after = text[m.end() : m.end() + 40]
    before = text[max(0, m.start() - 60) : m.start()]
    if re.match(r"(?i)[\s,]*(?:and\s+\w+\s+)?(?:invasive\s+)?" + _TUMOUR_WORD + r"\b", after):
        return True
    return bool(re.search(r"(?i)\b" + _TUMOUR_WORD + r"\b[^.;:]{0,45}$", before)) and not re.search(
        r"(?i)perineural|invasion|involvement", after[:25]
    )


def _focality_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_FOCALITY, text, _FOCALITY_ANCHOR, 15, 20):
        word = m.group("v").lower()
        if word in ("solitary", "single focus"):
            if not re.search(r"(?i)focality|tumou?r\s*$", text[max(0, m.start() - 30) : m.start()]):
                continue
            word = "unifocal"
        if word == "multicentric":
            word = "multifocal"
        before = text[max(0, m.start() - 40) : m.start()]
        rank = 3 if re.search(r"(?i)focality|unifocal/multifocal", before) else 1
        if re.search(r"(?i)unifocal\s*/\s*$|/\s*$", before[-3:]):
            continue  # the label "Unifocal/Multifocal:" itself
        if re.match(r"\s*/", text[m.end() : m.end() + 2]):
            continue
        if _IN_SITU_CLAUSE.search(text, max(0, m.start() - 60), m.start()) or _IN_SITU_AFTER.match(
            text, m.end()
        ):
            continue  # "DCIS: multifocal" is the focality of the in-situ part, not the tumour
        if rank == 1 and not _about_the_tumour(text, m):
            continue  # "multifocal perineural invasion" describes the invasion, not the tumour
        out.append(_fact("focality", word, text, m.start(), m.end(), rank=rank))
    return out


# ---------------------------------------------------------------------------------------
# Specimen, site, laterality, histology

_PROCEDURES = [
    (
        "radical prostatectomy",
        r"radical\s+(?:retropubic\s+|robotic\s+|laparoscopic\s+)?prostatectomy|prostatectomy",
    ),
    ("modified radical mastectomy", r"modified\s+radical\s+mastectomy"),
    ("mastectomy", r"(?:total\s+|simple\s+|skin[-\s]sparing\s+)?mastectomy"),
    (
        "lumpectomy",
        r"lumpectomy|partial\s+mastectomy|segmental\s+mastectomy|wide\s+local\s+excision\s+of\s+breast",
    ),
    ("radical nephrectomy", r"radical\s+nephrectomy"),
    ("partial nephrectomy", r"partial\s+nephrectomy"),
    ("nephrectomy", r"nephrectomy"),
    ("radical cystectomy", r"radical\s+cystectomy|cystoprostatectomy"),
    ("cystectomy", r"(?:partial\s+)?cystectomy"),
    ("transurethral resection", r"transurethral\s+resection|TURBT"),
    ("total thyroidectomy", r"total\s+thyroidectomy"),
    ("thyroid lobectomy", r"(?:thyroid\s+)?(?:hemi-?thyroidectomy|thyroid\s+lobectomy)"),
    ("thyroidectomy", r"thyroidectomy"),
    ("lobectomy", r"lobectomy"),
    ("pneumonectomy", r"pneumonectomy"),
    ("wedge resection", r"wedge\s+resection"),
    ("hemicolectomy", r"(?:right|left|extended\s+right)?\s*hemicolectomy"),
    ("colectomy", r"(?:sigmoid\s+|total\s+|partial\s+|transverse\s+)?colectomy|sigmoidectomy"),
    ("low anterior resection", r"low\s+anterior\s+resection"),
    (
        "hysterectomy",
        r"(?:total\s+|radical\s+)?(?:abdominal\s+|laparoscopic\s+|robotic\s+)?hysterectomy",
    ),
    ("wide local excision", r"wide\s+(?:local\s+)?excision|re-?excision"),
    ("sentinel lymph node biopsy", r"sentinel\s+(?:lymph\s+)?node\s+biopsy"),
    ("excisional biopsy", r"excisional\s+biopsy"),
    ("core needle biopsy", r"core\s+(?:needle\s+)?biopsy|needle\s+core\s+biopsy"),
    ("punch biopsy", r"punch\s+biopsy"),
    ("shave biopsy", r"shave\s+biopsy"),
    ("segmental resection", r"segmental\s+resection"),
    ("biopsy", r"biopsy"),
    ("resection", r"resection"),
]
_PROCEDURE_RE = re.compile(
    r"(?i)\b(?:" + "|".join(f"(?P<p{i}>{p})" for i, (_, p) in enumerate(_PROCEDURES)) + r")\b"
)
_PROCEDURE_ANCHOR = _Anchor(r"ectomy|biops|resection|excision|turbt")
_PROCEDURE_LABEL = re.compile(
    r"(?i)\b(?:procedure|specimen\s+type|type\s+of\s+procedure|surgical\s+procedure)\s*[:\-]\s*"
)

_SITES = [
    ("breast", r"breast"),
    ("prostate", r"prostat(?:e|ic)"),
    (
        "colon",
        r"colon|cecum|caecum|sigmoid|ascending\s+colon|descending\s+colon|transverse\s+colon|colorectal",
    ),
    ("rectum", r"rectum|rectal|rectosigmoid"),
    ("lung", r"lung|pulmonary|(?:upper|lower|middle)\s+lobe|bronch(?:us|ial)"),
    ("skin", r"skin|cutaneous"),
    ("bladder", r"(?:urinary\s+)?bladder"),
    ("kidney", r"kidney|renal"),
    ("thyroid", r"thyroid"),
    ("endometrium", r"endometri(?:um|al)|uterine\s+corpus|uterus"),
    ("cervix", r"cervix|cervical\s+(?:carcinoma|cancer)"),
    ("ovary", r"ovary|ovaries|ovarian"),
    ("stomach", r"stomach|gastric"),
    ("esophagus", r"esophag\w+|oesophag\w+"),
    ("pancreas", r"pancrea\w+"),
    ("liver", r"liver|hepatic"),
    ("lymph node", r"lymph\s+node"),
    ("brain", r"brain|cerebr\w+|frontal\s+lobe|temporal\s+lobe|parietal\s+lobe"),
]
_SITE_WORD = re.compile(
    r"(?i)\b(?:" + "|".join(f"(?P<s{i}>{p})" for i, (_, p) in enumerate(_SITES)) + r")\b"
)
_SITE_LABEL = re.compile(
    r"(?i)\b(?:specimen(?:\s+site)?|tumou?r\s+site|primary\s+(?:tumou?r\s+)?site|site\s+of\s+(?:primary\s+)?tumou?r|anatomic\s+site)\s*[:\-]\s*"
)
_DIAGNOSIS_HEADER = re.compile(
    r"(?i)\b(?:final\s+)?(?:pathologic(?:al)?\s+)?diagnos[ie]s\b\s*[:.]?"
)
_LATERALITY_LABEL = re.compile(r"(?i)\blaterality\s*[:\-]\s*(?P<v>left|right|bilateral|midline)\b")
_LATERALITY_NEAR = re.compile(r"(?i)\b(?P<v>left|right|bilateral)\b")

_HISTOLOGIES = [
    (
        "invasive ductal carcinoma",
        r"invasive\s+ductal\s+carcinoma|infiltrating\s+ductal\s+carcinoma|invasive\s+carcinoma\s+of\s+no\s+special\s+type|invasive\s+carcinoma,?\s+no\s+special\s+type",
    ),
    (
        "invasive lobular carcinoma",
        r"invasive\s+lobular\s+carcinoma|infiltrating\s+lobular\s+carcinoma",
    ),
    ("ductal carcinoma in situ", r"ductal\s+carcinoma\s+in[\s-]situ"),
    ("lobular carcinoma in situ", r"lobular\s+carcinoma\s+in[\s-]situ"),
    (
        "clear cell renal cell carcinoma",
        r"clear[\s-]cell\s+renal\s+cell\s+carcinoma|renal\s+cell\s+carcinoma,?\s+clear[\s-]cell\s+type",
    ),
    ("papillary renal cell carcinoma", r"papillary\s+renal\s+cell\s+carcinoma"),
    ("chromophobe renal cell carcinoma", r"chromophobe\s+renal\s+cell\s+carcinoma"),
    ("renal cell carcinoma", r"renal\s+cell\s+carcinoma"),
    ("hepatocellular carcinoma", r"hepatocellular\s+carcinoma"),
    ("cholangiocarcinoma", r"cholangiocarcinoma"),
    (
        "papillary thyroid carcinoma",
        r"papillary\s+(?:thyroid\s+)?carcinoma(?=[^.]{0,40}thyroid)|papillary\s+thyroid\s+carcinoma",
    ),
    ("papillary carcinoma", r"papillary\s+carcinoma"),
    ("follicular thyroid carcinoma", r"follicular\s+(?:thyroid\s+)?carcinoma"),
    (
        "urothelial carcinoma",
        r"(?:invasive\s+)?(?:high[\s-]grade\s+|low[\s-]grade\s+)?(?:papillary\s+)?urothelial\s+carcinoma|transitional\s+cell\s+carcinoma",
    ),
    ("endometrioid adenocarcinoma", r"endometrioid\s+(?:adeno)?carcinoma"),
    ("serous carcinoma", r"(?:high[\s-]grade\s+)?(?:papillary\s+)?serous\s+(?:adeno)?carcinoma"),
    (
        "acinar adenocarcinoma of the prostate",
        r"(?:prostatic\s+)?acinar\s+adenocarcinoma|adenocarcinoma\s+of\s+(?:the\s+)?prostate|prostatic\s+adenocarcinoma",
    ),
    ("squamous cell carcinoma", r"squamous\s+cell\s+carcinoma"),
    ("non-small cell carcinoma", r"non-?\s?small[\s-]cell\s+(?:lung\s+)?carcinoma"),
    ("small cell carcinoma", r"small\s+cell\s+(?:lung\s+)?carcinoma(?<!non-small cell carcinoma)"),
    ("large cell carcinoma", r"large\s+cell\s+carcinoma"),
    ("mucinous adenocarcinoma", r"mucinous\s+adenocarcinoma"),
    ("adenocarcinoma", r"adenocarcinoma"),
    ("melanoma in situ", r"(?:malignant\s+)?melanoma\s+in[\s-]situ"),
    ("melanoma", r"(?:malignant\s+)?melanoma"),
    ("diffuse large B-cell lymphoma", r"diffuse\s+large\s+B[\s-]cell\s+lymphoma|DLBCL"),
    ("follicular lymphoma", r"follicular\s+lymphoma"),
    ("Hodgkin lymphoma", r"(?:classic(?:al)?\s+)?hodgkin(?:'s)?\s+lymphoma"),
    ("lymphoma", r"(?:non-hodgkin\s+)?lymphoma"),
    ("glioblastoma", r"glioblastoma"),
    ("carcinoma in situ", r"carcinoma\s+in[\s-]situ"),
    ("carcinoma", r"carcinoma"),
]
_HISTOLOGY_RE = re.compile(
    r"(?i)\b(?:" + "|".join(f"(?P<h{i}>{p})" for i, (_, p) in enumerate(_HISTOLOGIES)) + r")"
)
_HISTOLOGY_ANCHOR = _Anchor(r"carcinoma|lymphoma|melanoma|dlbcl|glioblastoma")
_HISTOLOGY_LABEL = re.compile(
    r"(?i)\b(?:histologic(?:al)?\s+type|tumou?r\s+type|histology)\s*(?:\([^()]{0,60}\))?\s*[:\-]\s*"
)
_HIST_NEGATION = re.compile(
    r"(?i)(?:\bno\b|\bnot\b|negative\s+for|free\s+of|without|rule\s+out|r/o|history\s+of|suspicious\s+for|\?)"
    r"[^.;:]{0,30}$"
)


_INCIDENTAL = re.compile(r"(?i)\bincidental(?:ly)?\b[^.;\n]*$")


def _which(m: re.Match[str], prefix: str) -> int:
    for key, val in m.groupdict().items():
        if val is not None and key.startswith(prefix):
            return int(key[len(prefix) :])
    return -1


def _specimen_candidates(text: str) -> list[Fact]:
    out = []
    labelled = {m.end() for m in _PROCEDURE_LABEL.finditer(text)}
    for m in _finditer_near(_PROCEDURE_RE, text, _PROCEDURE_ANCHOR, 40, 10):
        i = _which(m, "p")
        before = text[max(0, m.start() - 40) : m.start()]
        if re.search(r"(?i)(?:history\s+of|prior|previous|s/p|status\s+post)[^.]{0,30}$", before):
            continue
        near_label = any(0 <= m.start() - e <= 30 for e in labelled)
        generic = i >= len(_PROCEDURES) - 2
        if generic and not near_label:
            # A bare "resection" or "biopsy" is a procedure only in a specimen line
            # ("Lung, right, biopsy:"), not in "line of resection" or "biopsy site".
            after = text[m.end() : m.end() + 3]
            if not (re.search(r"[,;(]\s*$", before) and re.match(r"\s*[:).\-]", after)):
                continue
        rank = 3 if near_label else (0 if generic else 1)
        out.append(_fact("specimen", _PROCEDURES[i][0], text, m.start(), m.end(), rank=rank))
    return out


_PROCEDURE_SITE = re.compile(
    r"(?i)\b(?:(?P<prostate>(?:radical\s+)?prostatectomy)|(?P<breast>mastectomy|lumpectomy)"
    r"|(?P<kidney>nephrectomy)|(?P<thyroid>thyroidectomy)|(?P<colon>(?:hemi)?colectomy)"
    r"|(?P<rectum>low\s+anterior\s+resection|abdominoperineal\s+resection)"
    r"|(?P<bladder>cystectomy|cystoprostatectomy))\b"
)


def _site_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_PROCEDURE_SITE, text, _PROCEDURE_ANCHOR, 40, 10):
        site = next(k for k, v in m.groupdict().items() if v)
        out.append(
            _fact(
                "site",
                site,
                text,
                m.start(),
                m.end(),
                rank=-1,
                status=DERIVED,
                rule="the procedure removes this organ",
            )
        )
    for lab in _SITE_LABEL.finditer(text):
        m = _SITE_WORD.search(text, lab.end(), lab.end() + 50)
        if m:
            out.append(_fact("site", _SITES[_which(m, "s")][0], text, m.start(), m.end(), rank=3))
    # Many reports open with the specimen line: "Lung, right, middle lobe, wedge resection".
    head = _SITE_WORD.search(text, 0, min(len(text), 160))
    if head and _SITES[_which(head, "s")][0] != "lymph node":
        value = _SITES[_which(head, "s")][0]
        out.append(_fact("site", value, text, head.start(), head.end(), rank=1))
    diag = _DIAGNOSIS_HEADER.search(text)
    if diag:
        m = _SITE_WORD.search(text, diag.end(), diag.end() + 300)
        if m and _SITES[_which(m, "s")][0] != "lymph node":
            out.append(_fact("site", _SITES[_which(m, "s")][0], text, m.start(), m.end(), rank=2))
    return out


def _laterality_candidates(text: str, site: Fact | None) -> list[Fact]:
    out = [
        _fact("laterality", m.group("v").lower(), text, m.start(), m.end(), rank=3)
        for m in _LATERALITY_LABEL.finditer(text)
    ]
    if site is not None and site.value in ("breast", "kidney", "lung", "ovary", "thyroid", "skin"):
        # "BREAST, LEFT, MASTECTOMY" or "Left breast": laterality written with the site. Every
        # mention counts, so a report on both breasts does not pass for a one-sided one.
        index = next(i for i, (name, _) in enumerate(_SITES) if name == site.value)
        pattern = re.compile(r"(?i)\b(?:" + _SITES[index][1] + r")\b")
        for n, s in enumerate(pattern.finditer(text)):
            if n >= 50:
                break
            if s.group(0).lower().endswith("ies"):
                continue  # "ovaries" names both sides; the words near it do not pick one
            for m in _LATERALITY_NEAR.finditer(
                text, max(0, s.start() - 20), min(len(text), s.end() + 20)
            ):
                out.append(
                    _fact("laterality", m.group("v").lower(), text, m.start(), m.end(), rank=2)
                )
    return out


# General names, most informative first.
_GENERIC_HISTOLOGY = ("adenocarcinoma", "non-small cell carcinoma", "lymphoma", "carcinoma")


def _resolve_histology(cands: list[Fact]) -> Fact | None:
    """The most specific name wins when the others are part of it ("papillary carcinoma" and
    "papillary thyroid carcinoma"); two different cancers ("ductal" and "lobular") are shown
    as uncertain, with both."""
    if not cands:
        return None
    best_rank = max(f.rank for f in cands)
    best = [f for f in cands if f.rank == best_rank]
    if all(f.value in _GENERIC_HISTOLOGY for f in best):
        # Only general names: "non-small cell carcinoma, favor adenocarcinoma" -> adenocarcinoma.
        pick = min(best, key=lambda f: (_GENERIC_HISTOLOGY.index(f.value), f.start))
        return replace(pick, addendum=0)
    words = {f.value: set(f.value.lower().split()) for f in best}
    richest = max(words, key=lambda v: len(words[v]))
    first = next(f for f in best if f.value == richest)
    if all(w <= words[richest] for w in words.values()):
        return replace(first, addendum=0)
    others = tuple(_dedupe_values(f for f in best if f.value != richest))
    return replace(first, status=UNCERTAIN, alternatives=others, addendum=0)


def _histology_candidates(text: str) -> list[Fact]:
    out = []
    labelled_ends = [m.end() for m in _HISTOLOGY_LABEL.finditer(text)]
    for m in _finditer_near(_HISTOLOGY_RE, text, _HISTOLOGY_ANCHOR, 60, 60):
        i = _which(m, "h")
        before = text[max(0, m.start() - 45) : m.start()]
        if _HIST_NEGATION.search(before):
            continue
        if _INCIDENTAL.search(text, max(0, m.start() - 80), m.start()):
            continue  # "incidental prostatic adenocarcinoma" is a second finding, not the main one
        name = _HISTOLOGIES[i][0]
        near_label = any(0 <= m.start() - e <= 40 for e in labelled_ends)
        specific = name not in _GENERIC_HISTOLOGY
        rank = (4 if near_label else 2) + (1 if specific else 0)
        if "in situ" in name:
            rank -= 2  # an in-situ part usually sits beside the invasive cancer that matters
        out.append(_fact("histology", name, text, m.start(), m.end(), rank=rank))
    return out


# ---------------------------------------------------------------------------------------
# Biomarkers

_RESULT_WORD = (
    r"(?P<res>positive|negative|pos\b|neg\b|low\s+positive|weakly\s+positive|equivocal|borderline"
    r"|not\s+amplified|non-?amplified|amplified|intact|retained|preserved|lost|loss|absent|deficient"
    r"|proficient|detected|not\s+detected|no\s+mutation\s+detected|mutated|wild[\s-]?type|present"
    r"|not\s+identified|identified|rearranged|\+(?![\d]))"
)


def _result(raw: str) -> str:
    r = raw.lower().strip()
    table = {
        "pos": "positive",
        "+": "positive",
        "neg": "negative",
        "weakly positive": "positive",
        "borderline": "equivocal",
        "non-amplified": "not amplified",
        "nonamplified": "not amplified",
        "retained": "intact",
        "preserved": "intact",
        "lost": "loss",
        "absent": "loss",
        "no mutation detected": "not detected",
        "wild type": "not detected",
        "wild-type": "not detected",
        "wildtype": "not detected",
        "mutated": "detected",
        "present": "detected",
        "identified": "detected",
        "not identified": "not detected",
        "rearranged": "detected",
    }
    r = re.sub(r"\s+", " ", r)
    return table.get(r, r)


_PERCENT = re.compile(
    r"(?P<lt>[<>≤≥]\s?|(?i:greater|more|less|fewer)\s+than\s+)?(?P<a>\d{1,3}(?:\.\d)?)\s*(?:(?:-|to|–)\s*(?P<b>\d{1,3}(?:\.\d)?)\s*)?%"
)
_INTENSITY = re.compile(
    r"(?i)\b(?P<i>weak|moderate|strong|moderate\s+to\s+strong|weak\s+to\s+moderate|moderate-strong|weak-moderate)\b"
)

_RECEPTOR = {
    "er": re.compile(
        r"(?i)\b(?:estrogen\s+receptors?|oestrogen\s+receptors?|ER)(?:\s*\((?:ER|clone[^()]{0,15}|SP1|6F11|1D5|IHC)\))?(?![/\w-])"
    ),
    "pr": re.compile(
        r"(?i)\b(?:progesterone\s+receptors?|PgR|PR)(?:\s*\((?:PR|PgR|clone[^()]{0,15}|1E2|16|IHC)\))?(?![/\w-])"
    ),
}


_FOLLOW_PERCENT = re.compile(
    r"(?i)percent(?:age)?\s+of\s+(?:tumou?r\s+)?cells[^:\n]{0,40}:\s*(?=[<>≤≥\d])"
)
_FOLLOW_INTENSITY = re.compile(r"(?i)intensity(?:\s+of\s+staining)?\s*:\s*(?=\w)")
_NEXT_MARKER = re.compile(r"(?i)\b(?:progesterone|estrogen|HER-?2|Ki-?67|PgR|PR\b|ER\b)")


def _receptor_followups(text: str, pos: int) -> tuple[re.Match[str] | None, re.Match[str] | None]:
    window_end = min(len(text), pos + 200)
    nxt = _NEXT_MARKER.search(text, pos, window_end)
    if nxt:
        window_end = nxt.start()
    pm = im = None
    lab = _FOLLOW_PERCENT.search(text, pos, window_end)
    if lab:
        pm = _PERCENT.match(text, lab.end(), window_end)
    lab = _FOLLOW_INTENSITY.search(text, pos, window_end)
    if lab:
        im = _INTENSITY.match(text, lab.end(), window_end)
    return pm, im


_DEFINITION_FOLLOWS = re.compile(r"(?i)\s*(?:is|are)\s+(?:defined|considered)|\s*(?:=|means)\s")


def _receptor_candidates(text: str) -> list[Fact]:
    out = []
    for name, label in _RECEPTOR.items():
        for m in label.finditer(text):
            seg_end = min(len(text), m.end() + 90)
            seg = text[m.end() : seg_end]
            stop = re.search(
                r"(?i)[.;\n](?!\d)|\b(?:progesterone|estrogen|HER-?2|Ki-?67|PR\b|ER\b)", seg
            )
            if stop:
                seg = seg[: stop.start()]
            rm = re.search(
                r"(?i)^[\s:\-]*(?:\(\w+\)\s*)?(?:receptors?\s*)?(?:status\s*)?[:\-]?\s*(?:is\s+)?"
                + _RESULT_WORD,
                seg,
            )
            if rm and _DEFINITION_FOLLOWS.match(text, m.end() + rm.end()):
                continue  # "ER/PR negative is defined as an Allred score of ..."
            if not rm or _result(rm.group("res")) not in (
                "positive",
                "negative",
                "low positive",
                "equivocal",
            ):
                continue
            # A short ER/PR label needs the breast or receptor context to be believed.
            if m.group(0).upper() in ("ER", "PR", "PGR") and not re.search(
                r"(?i)receptor|breast|hormone|%|allred|intensity",
                text[max(0, m.start() - 200) : m.end() + 150],
            ):
                continue
            value = _result(rm.group("res"))
            pm = _PERCENT.search(seg)
            im = _INTENSITY.search(seg)
            end = m.end() + max(rm.end(), pm.end() if pm else 0, im.end() if im else 0)
            # CAP layout: the exact percentage and intensity follow on their own lines.
            pm2, im2 = _receptor_followups(text, end)
            if pm2 is not None and (pm is None or pm.group("lt")):
                pm = pm2
            im = im or im2
            percent: Any = None
            if pm:
                percent = _num(float(pm.group("a")))
                if pm.group("b"):
                    percent = f"{pm.group('a')}-{pm.group('b')}"
                elif pm.group("lt"):
                    lt = pm.group("lt").strip().lower()
                    lt = "<" if lt[:1] in ("<", "≤", "l", "f") else ">"
                    percent = lt + pm.group("a")
            if value == "positive" and pm and not pm.group("b") and not pm.group("lt"):
                if 1 <= float(pm.group("a")) <= 10:
                    value = "low positive"
            allred = re.search(r"(?i)allred\s+(?:score\s*)?[:\-]?\s*(?P<a>[0-8])(?:\s*/\s*8)?", seg)
            out.append(
                _fact(
                    name,
                    value,
                    text,
                    m.start(),
                    end,
                    rank=2,
                    percent=percent,
                    intensity=im.group("i").lower() if im else None,
                    allred=int(allred.group("a")) if allred else None,
                )
            )
        # "positive for estrogen receptor" phrasing
    for m in re.finditer(
        r"(?i)\b(?P<res>positive|negative)\s+for\s+(?P<which>estrogen|progesterone)\s+receptor",
        text,
    ):
        name = "er" if m.group("which").lower().startswith("e") else "pr"
        out.append(_fact(name, m.group("res").lower(), text, m.start(), m.end(), rank=1))
    return out


_HER2_LABEL = re.compile(
    r"(?i)\bHER[-\s]?2(?:[-/\s]?neu)?\b(?:\s*\((?:IHC|ISH|FISH|CISH|SISH|DISH|4B5|HercepTest)\))?"
    r"(?:\s+(?:by\s+)?(?P<byihc>IHC|immunohistochemistry))?"
)


def _her2_candidates(text: str) -> list[Fact]:
    out = []
    for m in _HER2_LABEL.finditer(text):
        seg = text[m.end() : min(len(text), m.end() + 110)]
        stop = re.search(r"(?i)[;\n]|\.\s|\b(?:Ki-?67|estrogen|progesterone|ER\b|PR\b)", seg)
        if stop:
            seg = seg[: stop.start()]
        score = re.search(
            r"(?<![\d.\-–])(?P<s>[0-3])\s?\+(?!\s?[-–]\s?\d)|(?i:score\s*[:=]?\s*)(?P<s2>[0-3])(?![\d.]|\s?[-–]\s?\d)",
            seg,
        )
        ish = re.search(r"(?i)\b(?P<ish>not\s+amplified|non-?amplified|amplified)\b", seg)
        res = re.search(
            r"(?i)^[\s:\-]*(?:\((?:IHC|ISH|FISH)\)\s*)?(?:status\s*)?[:\-]?\s*(?:is\s+)?(?P<res>positive|negative|equivocal|low)\b",
            seg,
        )
        if res is None and (score or ish):
            res = re.search(r"(?i)\b(?P<res>positive|negative|equivocal)\b", seg)
        if score is None and m.group("byihc"):
            # "HER2 by IHC: 0 (negative)": a bare 0-3 right after the label is the IHC score.
            score = re.match(r"\s*[:\-]\s*(?P<s>[0-3])(?P<s2>)(?![\d.%])", seg)
            if score and res is None:
                res = re.search(r"(?i)\b(?P<res>positive|negative|equivocal)\b", seg)
        if not (score or ish or res):
            continue
        ihc = None
        if score:
            ihc = (score.group("s") or score.group("s2")) + "+"
            ihc = "0" if ihc == "0+" else ihc
        ish_value = _result(ish.group("ish")) if ish else None
        status = STATED
        if res:
            value = res.group("res").lower()
        elif ish_value:
            value = "positive" if ish_value == "amplified" else "negative"
        else:
            # ASCO/CAP scoring: 0 and 1+ negative, 2+ equivocal, 3+ positive.
            value = {"0": "negative", "1+": "negative", "2+": "equivocal", "3+": "positive"}[ihc]  # type: ignore[index]
            status = DERIVED
        ends = [x.end() for x in (score, ish, res) if x]
        # An ISH result settles an equivocal protein test (ASCO/CAP), so it ranks higher.
        out.append(
            _fact(
                "her2",
                value,
                text,
                m.start(),
                m.end() + max(ends),
                rank=3 if ish_value else 2,
                status=status,
                ihc_score=ihc,
                ish=ish_value,
            )
        )
    scores = [f.details["ihc_score"] for f in out if f.details.get("ihc_score")]
    if scores:
        out = [
            replace(f, details={**f.details, "ihc_score": scores[-1]})
            if f.details.get("ish") and not f.details.get("ihc_score")
            else f
            for f in out
        ]
    return out


_KI67 = re.compile(
    r"(?i)\b(?:Ki[-\s]?67|MIB-?1)(?:\s+(?:proliferation|labell?ing)\s+index|\s+index)?(?:\s*\([^()]{0,15}\))?"
    r"[^0-9%.;\n]{0,40}?(?P<lt>[<>]\s?)?(?P<a>\d{1,3}(?:\.\d)?)\s*(?:%\s*)?(?:(?:-|to|–)\s*(?P<b>\d{1,3}(?:\.\d)?)\s*)?%"
)


def _ki67_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_KI67, text, _KI67_ANCHOR, 5, 120):
        if m.group("b"):
            value: Any = f"{_num(float(m.group('a')))}-{_num(float(m.group('b')))}"
        elif m.group("lt"):
            value = m.group("lt").strip() + m.group("a")
        else:
            value = _num(_ocr_number(text, m, "a")[0])
        out.append(_fact("ki67_percent", value, text, m.start(), m.end(), rank=2))
    return out


_GLEASON = re.compile(
    r"(?i)\bGleason(?:'s)?(?:\s+(?:score|grade|pattern|patterns|sum))?(?:\s*\([^()]{0,20}\))?"
    r"[^0-9.;\n]{0,30}?(?P<a>[1-5])\s?\+\s?(?P<b>[1-5])(?:\s?\(\s?\d{1,2}\s?%\s?\))?"
    r"(?:\s?\+\s?(?P<c>[1-5])(?:\s*\(tertiary\))?)?(?:\s?=\s?(?P<t>\d{1,2}))?"
    r"|\bGleason(?:'s)?\s+(?:score|sum)\s*[:\-]?\s*(?P<t2>[2-9]|10)\s*\(\s?(?P<a2>[1-5])\s?\+\s?(?P<b2>[1-5])\s?\)"
)
_GRADE_GROUP = re.compile(
    r"(?i)\b(?:ISUP\s+|WHO\s+)?grade\s+group\s*(?:\([^()]{0,15}\))?\s*[:\-]?\s*(?P<g>[1-5])\b(?:\s*(?:of|/)\s*5)?"
)


_TERTIARY = re.compile(
    r"(?i)[^.\n]{0,25}?\btertiary\s+(?:gleason\s+)?(?:pattern|grade|component)?\s*"
    r"(?:of\s+)?[:\-]?\s*(?P<c>[3-5])\b"
)


def _gleason_group(a: int, b: int) -> int:
    total = a + b
    if total <= 6:
        return 1
    if total == 7:
        return 2 if a == 3 else 3
    if total == 8:
        return 4
    return 5


def _gleason_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_GLEASON, text, _GLEASON_ANCHOR, 5, 90):
        a = int(m.group("a") or m.group("a2"))
        b = int(m.group("b") or m.group("b2"))
        total_raw = m.group("t") or m.group("t2")
        if a < 3 or b < 3:
            continue  # patterns 1 and 2 are not assigned on modern biopsies/resections
        if total_raw and int(total_raw) != a + b:
            continue  # an OCR mix-up; do not guess which number is right
        tertiary = int(m.group("c")) if m.group("c") else None
        if tertiary is None:
            # "4+3=7 with tertiary pattern 5", "tertiary grade 5 (<5%)"
            words = _TERTIARY.match(text, m.end())
            tertiary = int(words.group("c")) if words else None
        label = text[m.start() : m.start() + 20].lower()
        rank = 3 if "score" in label or "sum" in label else 2
        out.append(
            _fact(
                "gleason",
                f"{a}+{b}={a + b}",
                text,
                m.start(),
                m.end(),
                rank=rank,
                primary=a,
                secondary=b,
                score=a + b,
                tertiary=tertiary,
            )
        )
    for m in _finditer_near(_GRADE_GROUP, text, _GRADE_GROUP_ANCHOR, 30, 40):
        out.append(_fact("grade_group", int(m.group("g")), text, m.start(), m.end(), rank=3))
    return out


_MMR_PROTEINS = re.compile(r"\b(?P<p>MLH-?1|MSH-?2|MSH-?6|PMS-?2)\b(?=(?P<rest>[^.;\n]{0,60}))")
_MMR_OVERALL = re.compile(
    r"(?i)\b(?:mismatch\s+repair(?:\s+protein)?s?(?:\s+\(MMR\))?(?:\s+(?:status|proteins?|immunohistochemistry|IHC|immunostains?))?|MMR(?:\s+(?:status|IHC))?)"
    r"\s*[:\-]?\s*(?:is\s+)?(?P<v>proficient|deficient|intact|(?:all\s+)?(?:proteins\s+)?(?:intact|retained)|loss|abnormal|normal)\b"
    r"|\b(?P<v2>[pd]MMR)\b"
    r"|\b(?P<v3>no\s+loss)\s+of\s+(?:nuclear\s+)?expression\s+(?:of|in)\s+(?:(?:all|the)\s+)?(?:four\s+)?"
    r"(?:MMR|mismatch\s+repair)"
)


_MMR_PROTEIN = r"(?:MLH-?1|MSH-?2|MSH-?6|PMS-?2)"
_MMR_LOSS_LIST = re.compile(
    r"(?i)\b(?:loss|lost|absence|absent)\s+(?:of\s+)?(?:nuclear\s+)?(?:(?:immuno)?(?:expression|staining)"
    r"\s+(?:of|for)\s+)?(?P<list>"
    + _MMR_PROTEIN
    + r"(?:\s*(?:and|&|/)\s*"
    + _MMR_PROTEIN
    + r")*)\b"
)


def _mmr_candidates(text: str) -> list[Fact]:
    out = []
    proteins: dict[str, tuple[str, re.Match[str]]] = {}
    lost_at: set[int] = set()
    for m in _MMR_LOSS_LIST.finditer(text):
        # "Loss of MLH1 and PMS2 expression": the loss word comes before the proteins.
        for p in re.finditer(r"(?i)MLH-?1|MSH-?2|MSH-?6|PMS-?2", m.group("list")):
            key = p.group(0).upper().replace("-", "")
            lost_at.add(m.start("list") + p.start())
            end = m.start("list") + p.end()
            out.append(_fact("mmr_protein", "loss", text, m.start(), end, protein=key))
    for m in _MMR_PROTEINS.finditer(text):
        if m.start() in lost_at:
            continue
        rest = m.group("rest")
        rm = re.search(
            r"(?i)\b(intact|retained|preserved|present|positive|normal|loss|lost|absent|negative|deficient)\b",
            rest,
        )
        if not rm:
            continue
        word = rm.group(1).lower()
        status = (
            "intact"
            if word in ("intact", "retained", "preserved", "present", "positive", "normal")
            else "loss"
        )
        if re.search(
            r"(?i)loss\s+of\s+(?:nuclear\s+)?expression", rest[: rm.end() + 15]
        ) or re.search(r"(?i)no\s+loss", rest[: rm.end()]):
            status = "intact" if "no loss" in rest[: rm.end()].lower() else "loss"
        key = m.group("p").upper().replace("-", "")
        proteins[key] = (status, m)
        end = m.start("rest") + rm.end()
        out.append(_fact("mmr_protein", status, text, m.start(), end, protein=key))
    for m in _finditer_near(_MMR_OVERALL, text, _MMR_ANCHOR, 70, 140):
        raw = (m.group("v") or m.group("v2") or m.group("v3") or "").lower()
        if raw in ("dmmr", "deficient", "loss", "abnormal"):
            value = "deficient"
        else:
            value = "proficient"
        out.append(_fact("mmr", value, text, m.start(), m.end(), rank=3))
    return out


_MSI = re.compile(
    r"(?i)\b(?P<v>MSI-?H(?:igh)?|MSI-?L(?:ow)?|MSS|microsatellite[\s-]stable|microsatellite\s+instability[\s-]high"
    r"|high[\s-]level\s+microsatellite\s+instability|low[\s-]level\s+microsatellite\s+instability)\b"
    r"|\b(?:microsatellite\s+instability|MSI)(?:\s+(?:status|testing|analysis|result))?\s*(?:\(MSI\))?\s*[:\-]\s*(?P<w>high|low|stable|not\s+detected|detected|MSI-?H|MSI-?L|MSS)\b"
)


_HEDGE_BEFORE = re.compile(
    r"(?i)(?:probability|likelihood|likely|risk|suggest\w*|rule\s+out|r/o|screen\w*|test(?:ing|ed)?\s+for"
    r"|evaluat\w+\s+for|assess\w*\s+for|possib\w*|predict\w*|associated\s+with|if\b|whether)"
    r"[^.;:\n]{0,25}$"
)


_HEDGE_LONG_BEFORE = re.compile(
    r"(?i)(?:\bif\b|whether|recommended|individuals\s+with|patients\s+with|et\s+al"
    r"|classified\s+as|defined\s+as|considered)[^;:\n]{0,40}$"
)
_MSI_CONTEXT = re.compile(r"(?i)microsatellite|\bMSI\b|mismatch|\bMMR\b|instability|\bPCR\b")


def _msi_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_MSI, text, _MSI_ANCHOR, 50, 80):
        raw = (m.group("v") or m.group("w")).lower().replace("-", " ")
        if "stable" in raw or raw == "mss" or raw == "not detected":
            value = "MSS"
        elif raw.startswith(("msi l", "msil", "low")) or "low" in raw:
            value = "MSI-L"
        elif "high" in raw or raw.startswith(("msi h", "msih")) or raw == "detected":
            value = "MSI-H"
        else:
            continue
        if _HEDGE_BEFORE.search(text, max(0, m.start() - 40), m.start()):
            continue  # "low probability of MSI-H", "testing for MSI-H": not a result
        if _HEDGE_LONG_BEFORE.search(text, max(0, m.start() - 45), m.start()):
            continue  # "recommended for individuals with MSI-H tumors"
        if (
            len(m.group(0)) <= 6
            and not _MSI_CONTEXT.search(text, max(0, m.start() - 150), m.start())
            and not _MSI_CONTEXT.search(text, m.end(), m.end() + 150)
        ):
            continue  # "(MSS)" alone can be a methenamine silver stain
        out.append(_fact("msi", value, text, m.start(), m.end(), rank=2))
    return out


_PDL1 = re.compile(
    r"(?i)\bPD-?L1\b(?:\s*\((?:22C3|28-8|SP263|SP142|clone[^()]{0,12})\))?(?P<rest>[^;\n]{0,90})"
)


def _pdl1_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_PDL1, text, _PDL1_ANCHOR, 5, 140):
        rest = m.group("rest")
        rest = re.split(r"(?<!\d)\.(?!\d)", rest, maxsplit=1)[0]
        tps = re.search(
            r"(?i)(?:TPS|tumou?r\s+proportion\s+score)\s*(?:\(TPS\))?\s*[:=\-]?\s*(?:of\s+)?(?P<lt>[<>]\s?)?(?P<n>\d{1,3})\s*%",
            rest,
        )
        cps = re.search(
            r"(?i)(?:CPS|combined\s+positive\s+score)\s*(?:\(CPS\))?\s*[:=\-]?\s*(?:of\s+)?(?P<lt>[<>]\s?)?(?P<n>\d{1,3})",
            rest,
        )
        res = re.search(
            r"(?i)^[\s:\-]*(?:expression\s*)?[:\-]?\s*(?:is\s+)?(?P<r>positive|negative|high\s+expression|low\s+expression|no\s+expression)",
            rest,
        )
        if not (tps or cps or res):
            continue
        details: dict[str, Any] = {}
        parts = []
        ends = []
        if tps:
            details["tps"] = (tps.group("lt") or "").strip() + tps.group("n")
            parts.append(f"TPS {details['tps']}%")
            ends.append(tps.end())
        if cps:
            details["cps"] = (cps.group("lt") or "").strip() + cps.group("n")
            parts.append(f"CPS {details['cps']}")
            ends.append(cps.end())
        if res:
            details["result"] = res.group("r").lower()
            ends.append(res.end())
        value = ", ".join(parts) if parts else details["result"]
        out.append(
            _fact("pdl1", value, text, m.start(), m.start("rest") + max(ends), rank=2, **details)
        )
    return out


_DRIVERS = {
    "egfr": r"EGFR",
    "alk": r"ALK(?:\s+(?:gene\s+)?(?:rearrangement|fusion|translocation))?",
    "ros1": r"ROS-?1(?:\s+(?:gene\s+)?(?:rearrangement|fusion))?",
    "kras": r"K-?RAS",
    "braf": r"BRAF",
}
_DRIVER_RES = re.compile(
    r"(?i)(?:\s*(?:\([^()]{0,20}\)|gene|mutation(?:al)?|mutations|status|analysis|testing|result|by\s+\w+|exon\s+\d{1,2}|IHC|FISH|NGS|PCR|V600E|G12[A-Z]|[A-Z]\d{2,4}[A-Z]|codon\s+\d{1,3}|deletion|insertion|immunohistochemistry|immunostain|stain|sequencing|exons?\s+\d{1,2}(?:-\d{1,2})?|[:\-,]|is|was|\d{1,2}|(?:rearrangement|fusion|translocation|amplification)))*\s*"
    r"(?P<res>no\s+mutations?\s+(?:was\s+|were\s+)?(?:detected|identified|found)|not\s+detected|not\s+identified"
    r"|negative|positive|detected|wild[\s-]?type|mutated|mutation\s+(?:detected|identified|present)|rearranged|not\s+rearranged|present|absent)\b"
)
_VARIANT = re.compile(
    r"(?i)\b(?:V600[EK]|G12[A-Z]|G13[A-Z]|Q61[A-Z]|L858R|T790M|exon\s+(?:19|20|21)\s+(?:deletion|insertion|\w+)|p\.[A-Z]\d{1,4}[A-Z*])\b"
)


_DRIVER_NOT_MUTATION = re.compile(
    r"(?i)stain|immunoperoxidase|amplif|copy|copies|disomy|polysomy|expression"
)
_GENERIC_AFTER = re.compile(
    r"(?i)[\s-]*(?:\w+\s+){0,1}(?:lung|adenocarcinomas?|carcinomas?|tumou?rs|cancers|patients|NSCLC)\b"
)


def _driver_result_is_real(text: str, name: str, m: re.Match[str], rm: re.Match[str]) -> bool:
    """Keep results; drop references, promises, scoring keys and protein or copy-number tests."""
    before = text[max(0, m.start() - 45) : m.start()]
    if _HEDGE_LONG_BEFORE.search(before):
        return False  # "If a rearrangement involving ALK is present"
    if text[rm.end() : rm.end() + 1] == ":":
        return False  # "EGFR FISH negative: disomy ..." is a key to the scoring, not a result
    if (
        _GENERIC_AFTER.match(text, rm.end(), rm.end() + 40)
        and "-" in text[m.end() : rm.start("res") + 1]
    ):
        return False  # "ALK-rearranged lung adenocarcinoma" describes a kind of cancer
    if name in ("egfr", "kras") and _DRIVER_NOT_MUTATION.search(
        text, max(0, m.start() - 30), min(len(text), rm.end() + 10)
    ):
        return False  # an EGFR stain or copy number is not a mutation result
    return True


def _driver_candidates(text: str) -> list[Fact]:
    out = []
    for name, label in _DRIVERS.items():
        for m in re.finditer(r"(?<![A-Za-z0-9])(?:" + label + r")(?![A-Za-z0-9])", text):
            rm = _DRIVER_RES.match(text, m.end(), min(len(text), m.end() + 90))
            if not rm or not _driver_result_is_real(text, name, m, rm):
                continue
            raw = rm.group("res").lower()
            if raw.startswith(
                (
                    "no mutation",
                    "not detected",
                    "not identified",
                    "negative",
                    "wild",
                    "absent",
                    "not rearranged",
                )
            ):
                value = "not detected"
            else:
                value = "detected"
            variant = _VARIANT.search(text, m.end(), min(len(text), rm.end() + 20))
            out.append(
                _fact(
                    name,
                    value,
                    text,
                    m.start(),
                    rm.end(),
                    rank=2,
                    variant=variant.group(0) if variant and value == "detected" else None,
                )
            )
    return out


# ---------------------------------------------------------------------------------------
# Resolution: pick one fact per field, keep the rest for the interface.


def _resolve(cands: list[Fact], conflict_uncertain: bool = True) -> Fact | None:
    if not cands:
        return None
    top_add = max(f.addendum for f in cands)
    latest = [f for f in cands if f.addendum == top_add]
    earlier = [f for f in cands if f.addendum < top_add]
    best_rank = max(f.rank for f in latest)
    best = [f for f in latest if f.rank == best_rank]
    best.sort(key=lambda f: f.start)
    chosen = best[-1] if top_add > 0 else best[0]
    others_same = [f for f in best if f.value != chosen.value]
    superseded = tuple(_dedupe_values(f for f in earlier if f.value != chosen.value))
    status = chosen.status
    alternatives: tuple[Fact, ...] = ()
    if others_same and conflict_uncertain:
        status = UNCERTAIN
        alternatives = tuple(_dedupe_values(others_same))
    return replace(chosen, status=status, superseded=superseded, alternatives=alternatives)


def _dedupe_values(facts: Iterable[Fact]) -> list[Fact]:
    seen: set[Any] = set()
    out = []
    for f in facts:
        if f.value in seen:
            continue
        seen.add(f.value)
        out.append(replace(f, superseded=(), alternatives=()))
    return out


_T_ORDER = ["T0", "Tis", "T1mi", "T1", "T2", "T3", "T4"]


def _main_t(value: str) -> str:
    if value.startswith("Tis") or value == "T1mi":
        return value
    return value[:2]


def _tnm_order(value: str) -> tuple[int, str]:
    # X (cannot be assessed) sorts lowest so that any real category is preferred.
    main = value[1:2]
    order = {"X": -1, "0": 0, "i": 1, "1": 2, "2": 3, "3": 4, "4": 5}.get(main, -1)
    return order, value


def _resolve_tnm(cands: list[Fact]) -> Fact | None:
    """TNM: the latest addendum wins; otherwise, when the report stages more than one
    tumour, the highest category is the one that stages the patient (AJCC multiple-tumour
    rule). Different main categories in one report are still flagged uncertain."""
    if not cands:
        return None
    top_add = max(f.addendum for f in cands)
    latest = [f for f in cands if f.addendum == top_add]
    best_rank = max(f.rank for f in latest)
    best = [f for f in latest if f.rank == best_rank]
    mains = {_main_t(f.value) if f.field == "pT" else f.value[:2] for f in best}
    values = {f.value for f in best}
    if len(mains) == 1 and len(values) > 1:
        # "pT1" in one place and "pT1c" in another agree; "pT1b" and "pT1c" do not.
        longest = max(values, key=len)
        if all(longest.startswith(v) for v in values):
            pick = next(f for f in best if f.value == longest)
            earlier = [f for f in cands if f.addendum < top_add and f.value != longest]
            return replace(pick, superseded=tuple(_dedupe_values(earlier)), alternatives=())
    chosen = _resolve(cands, conflict_uncertain=len(values) > 1)
    if chosen is None or len(values) <= 1 or top_add > 0 and len(latest) == 1:
        return chosen
    top = max(best, key=lambda f: _tnm_order(f.value))
    others = tuple(_dedupe_values(f for f in best if f.value != top.value))
    return replace(top, status=UNCERTAIN, superseded=chosen.superseded, alternatives=others)


def _merge_prefixes(pt: Fact | None, text: str) -> Fact | None:
    if pt is None or not pt.details.get("prefixes"):
        return None
    flags = pt.details["prefixes"]
    return _fact("tnm_prefixes", "".join(flags), text, pt.start, pt.end, flags=flags)


# ---------------------------------------------------------------------------------------
# Derived facts


def _derive_nodes(text: str, cands: list[Fact], fields: dict[str, Fact]) -> None:
    fractions = [f for f in cands if f.field == "nodes_fraction"]
    if "nodes_positive" not in fields and fractions and all(f.value[0] == 0 for f in fractions):
        first = min(fractions, key=lambda f: f.start)
        total = sum(f.value[1] for f in fractions)
        fields["nodes_positive"] = replace(
            first,
            field="nodes_positive",
            value=0,
            status=DERIVED,
            details={
                "rule": "every lymph node count in the report is negative",
                "evidence": [[f.start, f.end] for f in fractions],
                "counted_examined": total,
            },
        )
    npos = fields.get("nodes_positive")
    if "pN" not in fields and npos is not None and npos.value == 0 and npos.status != UNCERTAIN:
        # Isolated tumour cells or micrometastases would change N0; then we say nothing.
        if _node_positive_mentioned(text):
            return
        ne = fields.get("nodes_examined")
        if ne is not None and ne.value == 0:
            return
        fields["pN"] = replace(
            npos,
            field="pN",
            value="N0",
            status=DERIVED,
            superseded=(),
            alternatives=(),
            details={
                "rule": "no examined regional lymph node holds cancer",
                "from": "nodes_positive",
            },
        )


def _derive_grade_group(fields: dict[str, Fact]) -> None:
    g = fields.get("gleason")
    if g is None or "grade_group" in fields or g.status == UNCERTAIN:
        return
    group = _gleason_group(g.details["primary"], g.details["secondary"])
    fields["grade_group"] = replace(
        g,
        field="grade_group",
        value=group,
        status=DERIVED,
        superseded=(),
        alternatives=(),
        details={"rule": "ISUP grade group from the Gleason score", "from": "gleason"},
    )


def _derive_mmr(text: str, cands: list[Fact], fields: dict[str, Fact]) -> None:
    proteins = [f for f in cands if f.field == "mmr_protein"]
    by_name: dict[str, set[str]] = {}
    for f in proteins:
        by_name.setdefault(f.details["protein"], set()).add(f.value)
    if not proteins:
        return
    detail = {k: (next(iter(v)) if len(v) == 1 else "conflicting") for k, v in by_name.items()}
    if "mmr" in fields:
        fields["mmr"] = replace(
            fields["mmr"], details={**fields["mmr"].details, "proteins": detail}
        )
        return
    if any(v == "loss" for v in detail.values()):
        value = "deficient"
    elif len(detail) == 4 and all(v == "intact" for v in detail.values()):
        value = "proficient"
    else:
        return
    first = min(proteins, key=lambda f: f.start)
    last = max(proteins, key=lambda f: f.end)
    fields["mmr"] = _fact(
        "mmr",
        value,
        text,
        first.start,
        last.end,
        status=DERIVED,
        proteins=detail,
        rule="loss of any mismatch repair protein means deficient; all four intact means proficient",
    )


# ---------------------------------------------------------------------------------------
# Cancer type (for the glossary): from site, histology and the staging words.


def _cancer(fields: dict[str, Fact]) -> str | None:
    site = fields.get("site")
    hist = fields.get("histology")
    h = hist.value if hist else ""
    if "lymphoma" in h.lower():
        return "lymphoma"
    if h.startswith("melanoma"):
        return "melanoma"
    if site is None:
        if "gleason" in fields:
            return "prostate"
        if "er" in fields or "pr" in fields:
            return "breast"
        if "renal" in h:
            return "kidney"
        if "urothelial" in h:
            return "bladder"
        if "thyroid" in h:
            return "thyroid"
        if "endometrioid" in h:
            return "endometrium"
        return None
    skin = "melanoma" if h.startswith("melanoma") else None
    return {"rectum": "colon", "skin": skin}.get(site.value, site.value)


# ---------------------------------------------------------------------------------------
# Public entry point

_Extractor = Callable[[str], list[Fact]]
_EXTRACTORS: tuple[_Extractor, ...] = (
    _tnm_candidates,
    _stage_candidates,
    _edition_candidates,
    _node_candidates,
    lambda t: _presence_candidates(t, "lvi", _LVI, _LVI_ANCHOR),
    lambda t: _presence_candidates(t, "pni", _PNI, _PNI_ANCHOR),
    lambda t: _presence_candidates(t, "ene", _ENE, _ENE_ANCHOR),
    _margin_candidates,
    _size_candidates,
    _grade_candidates,
    _focality_candidates,
    _specimen_candidates,
    _site_candidates,
    _histology_candidates,
    _receptor_candidates,
    _her2_candidates,
    _ki67_candidates,
    _gleason_candidates,
    _mmr_candidates,
    _msi_candidates,
    _pdl1_candidates,
    _driver_candidates,
)


MAX_CANDIDATES = 300


def _cap_per_field(found: list[Fact]) -> list[Fact]:
    counts: dict[str, int] = {}
    out = []
    for f in sorted(found, key=lambda f: f.start):
        counts[f.field] = counts.get(f.field, 0) + 1
        if counts[f.field] <= MAX_CANDIDATES:
            out.append(f)
    return out


def _correction(text: str, f: Fact) -> int:
    return 1 if _CORRECTION_BEFORE.search(text, max(0, f.start - 40), f.start) else 0


_INTERNAL = {"nodes_fraction", "margin_distance", "mmr_protein"}


def extract(text: str) -> Extraction:
    """Extract pathology facts from report text. Offsets refer to ``text`` as given."""
    if not isinstance(text, str):
        raise TypeError("extract() takes the report text as a string")
    truncated = len(text) > MAX_CHARS
    work = text[:MAX_CHARS] if truncated else text
    addenda = _addendum_starts(work)

    def level(pos: int) -> int:
        return bisect.bisect_right(addenda, pos)

    cands: list[Fact] = []
    for fn in _EXTRACTORS:
        found = fn(work)
        # A real report has a handful of candidates per field; garbage can have thousands.
        # Keeping the first few hundred bounds the work that follows.
        if len(found) > MAX_CANDIDATES:
            found = _cap_per_field(found)
        cands.extend(found)
    cands = [replace(f, addendum=level(f.start) + _correction(work, f)) for f in cands]

    by_field: dict[str, list[Fact]] = {}
    for f in cands:
        by_field.setdefault(f.field, []).append(f)

    fields: dict[str, Fact] = {}
    for name in ("pT", "pN", "pM"):
        chosen = _resolve_tnm(by_field.get(name, []))
        if chosen:
            fields[name] = chosen
    for name, group in by_field.items():
        if name in fields or name in _INTERNAL or name in ("pT", "pN", "pM"):
            continue
        if name == "histology":
            chosen = _resolve_histology(group)
        elif name in ("specimen", "site", "grade", "focality"):
            # These rarely change in an addendum, and an addendum that mentions "carcinoma"
            # in passing must not replace "urothelial carcinoma": best wording wins instead.
            flat = [replace(f, addendum=0) for f in group] if name != "grade" else group
            chosen = _resolve(flat, conflict_uncertain=False)
        else:
            chosen = _resolve(group)
        if chosen:
            fields[name] = chosen
    # Laterality needs the chosen site.
    lat_cands = _laterality_candidates(work, fields.get("site"))
    lat = _resolve(lat_cands)
    site = fields.get("site")
    if lat and lat.status != UNCERTAIN and site is not None and lat.rank == 2:
        # The same side is written several times: show the words next to the chosen site.
        same = [f for f in lat_cands if f.value == lat.value and f.rank == 2]
        lat = replace(min(same, key=lambda f: abs(f.start - site.start)), superseded=lat.superseded)
    if lat:
        fields["laterality"] = replace(lat, addendum=0)
    prefix = _merge_prefixes(fields.get("pT"), work)
    if prefix:
        fields["tnm_prefixes"] = prefix
    margins = fields.get("margins")
    distance = _resolve(by_field.get("margin_distance", []))
    if margins and distance and "closest_mm" not in margins.details:
        fields["margins"] = replace(
            margins, details={**margins.details, "closest_mm": distance.value}
        )
    _derive_nodes(work, cands, fields)
    _derive_grade_group(fields)
    _derive_mmr(work, cands, fields)
    # Internal ranking details stay internal.
    for name, f in list(fields.items()):
        if f.details.get("definition") or f.details.get("prefixes") is not None:
            d = {k: v for k, v in f.details.items() if k not in ("definition",)}
            fields[name] = replace(f, details=d)
    return Extraction(fields=fields, cancer=_cancer(fields), truncated=truncated)
