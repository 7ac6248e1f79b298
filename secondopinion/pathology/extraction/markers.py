"""Biomarkers: ER, PR, HER2, Ki-67, Gleason and grade group, MMR, MSI, PD-L1, drivers.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from secondopinion.pathology.extraction.core import (
    _GLEASON_ANCHOR,
    _GRADE_GROUP_ANCHOR,
    _KI67_ANCHOR,
    _MMR_ANCHOR,
    _MSI_ANCHOR,
    _PDL1_ANCHOR,
    DERIVED,
    STATED,
    Fact,
    _fact,
    _finditer_near,
)
from secondopinion.pathology.extraction.findings import _num
from secondopinion.pathology.extraction.tumour import _ocr_number

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
            exact = pm is not None and not pm.group("b") and not pm.group("lt")
            if value == "positive" and exact and pm and 1 <= float(pm.group("a")) <= 10:
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
    out.extend(
        _fact("grade_group", int(m.group("g")), text, m.start(), m.end(), rank=3)
        for m in _finditer_near(_GRADE_GROUP, text, _GRADE_GROUP_ANCHOR, 30, 40)
    )
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
        value = "deficient" if raw in ("dmmr", "deficient", "loss", "abnormal") else "proficient"
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
    # An EGFR stain or copy number is not a mutation result.
    return not (
        name in ("egfr", "kras")
        and _DRIVER_NOT_MUTATION.search(text, max(0, m.start() - 30), min(len(text), rm.end() + 10))
    )


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
