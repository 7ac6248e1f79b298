"""Specimen (procedure), site, laterality and histology.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import re
from dataclasses import replace

from secondopinion.pathology.extraction.core import (
    DERIVED,
    UNCERTAIN,
    Fact,
    _Anchor,
    _dedupe_values,
    _fact,
    _finditer_near,
)

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
        hit = _SITE_WORD.search(text, lab.end(), lab.end() + 50)
        if hit:
            out.append(
                _fact("site", _SITES[_which(hit, "s")][0], text, hit.start(), hit.end(), rank=3)
            )
    # Many reports open with the specimen line: "Lung, right, middle lobe, wedge resection".
    head = _SITE_WORD.search(text, 0, min(len(text), 160))
    if head and _SITES[_which(head, "s")][0] != "lymph node":
        value = _SITES[_which(head, "s")][0]
        out.append(_fact("site", value, text, head.start(), head.end(), rank=1))
    diag = _DIAGNOSIS_HEADER.search(text)
    if diag:
        hit = _SITE_WORD.search(text, diag.end(), diag.end() + 300)
        if hit and _SITES[_which(hit, "s")][0] != "lymph node":
            out.append(
                _fact("site", _SITES[_which(hit, "s")][0], text, hit.start(), hit.end(), rank=2)
            )
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
            out.extend(
                _fact("laterality", m.group("v").lower(), text, m.start(), m.end(), rank=2)
                for m in _LATERALITY_NEAR.finditer(
                    text, max(0, s.start() - 20), min(len(text), s.end() + 20)
                )
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
