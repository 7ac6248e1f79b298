"""Tumour size, grade and focality.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import re

from secondopinion.pathology.extraction.core import (
    _OCR_DIGIT,
    Fact,
    _Anchor,
    _fact,
    _finditer_near,
    _finditer_windows,
    _windows,
)
from secondopinion.pathology.extraction.findings import _FOCALITY_ANCHOR, _NEG_BEFORE, _num

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
