"""Present/absent findings (LVI, PNI, ENE) and margins.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import re

from secondopinion.pathology.extraction.core import Fact, _Anchor, _fact, _finditer_near

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


def _margin_label_value(low: str) -> str | None:
    """The value a "Margins:" label gives, from the lower-cased words after it."""
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
    elif re.match(r"\s*(?:\[?x\]?\s*)?(?:none\s+involved|no\s+(?:tumou?r|carcinoma)\s+at)", low):
        value = "clear"
    elif re.search(
        r"\b(?:present\s+at|extends?\s+to|involv(?:es|ed|ing))\b", low
    ) and not re.search(r"\b(?:no|not|negative|free|uninvolved)\b", low):
        value = "involved"  # "Margin status: invasive carcinoma present at margin(s)"
    elif re.search(r"\b(?:negative\s+for|free\s+of|uninvolved\s+by)\b", low) and not re.search(
        r"\b(?:present\s+at|positive)\b", low
    ):
        value = "clear"
    return value


def _margin_candidates(text: str) -> list[Fact]:
    out = []
    for m in _finditer_near(_MARGIN_LABEL, text, _MARGIN_ANCHOR, 40, 30):
        seg = text[m.end() : m.end() + 80]
        seg = re.split(r"[;\n]|\.(?!\d)", seg, maxsplit=1)[0]
        low = seg.lower()
        value = _margin_label_value(low)
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
