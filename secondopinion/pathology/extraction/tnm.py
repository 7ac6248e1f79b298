"""TNM tokens (pT, pN, pM), labelled synoptic lines, stage group and AJCC edition.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import bisect
import re

from secondopinion.pathology.extraction.core import (
    _EDITION_ANCHOR,
    _OCR_DIGIT,
    Fact,
    _Anchor,
    _fact,
    _finditer_near,
    _roman,
)

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
    t_hits: list[tuple[re.Match[str], bool]] = [(m, True) for m in _T_TOKEN.finditer(text)]
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
