"""pT worked out from words, for reports that describe the spread but print no category.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.

A category is derived only where the words fix it under AJCC 8 *and* under the 6th and 7th
editions the older reports were staged with (a report rarely names its edition), so that a
derived T never contradicts what the lab itself would have written. Where the editions part
(stomach subserosa and serosa, thyroid with microscopic extrathyroidal spread, kidney with the
adrenal, breast and lung by size) nothing is derived. Every statement must be positive: a
negation, a hedge or a nearness word ("no", "not through", "suspicious for", "to within
1 mm of") before it in the same clause, or "absent" after it, drops it. When the report names
a structure that would put the tumour in a higher or unclear category (a T4 organ, the vena
cava), nothing is derived. The deepest positive statement sets T.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from secondopinion.pathology.extraction.core import (
    DERIVED,
    Fact,
    _Anchor,
    _fact,
    _finditer_windows,
    _windows,
)

_VERB = (
    r"\b(?:invad\w*|invasive|invasion|infiltrat\w*|extend\w*|extension|involv\w*|penetrat\w*"
    r"|grow\w*|spread\w*)"
)
# Up to three words between the verb and the structure ("extends focally into the").
_TO = r"(?:\s+(?:\w+\s+){0,3}?(?:in(?:to)?|of|through|to)?\s*(?:the\s+)?(?:\w+\s+)?)"
# For an inner layer "through" is left out: "invades through the submucosa" went deeper.
_INTO = (
    r"(?:\s+(?!through)(?:\w+\s+){0,3}?(?:in(?:to)?|of|to)?\s*(?:the\s+)?(?!through)(?:\w+\s+)?)"
)

# A checklist line names the deepest layer after a label: "Tumor extent: Subserosa".
_EXTENT = (
    r"\b(?:tumou?r\s+extent|extent\s+of\s+(?:invasion|tumou?r)|depth\s+of\s+invasion)"
    r"\s*:\s*(?:invades\s+)?(?:in(?:to)?\s+)?(?:the\s+)?"
)
_REACH = r"(?:" + _VERB + _TO + r"|" + _EXTENT + r")"
_REACH_IN = r"(?:" + _VERB + _INTO + r"|" + _EXTENT + r")"
_MUSCULARIS = (
    r"(?:" + _REACH_IN + r"muscularis\s+propria"
    r"|into\s+but\s+not\s+through\s+(?:the\s+)?muscularis\s+propria)"
)

_NEGATED_BEFORE = re.compile(
    r"(?i)(?:\bno\b|\bnot\b|\bnor\b|n't\b|without|free\s+of|absence\s+of|absent|negative"
    r"|rather\s+than|cannot|can\s?not|rule\s+out|r/o|suspicious|suspect|possibl[ey]|question"
    r"|equivocal|indeterminate|at\s+least|\bif\b|whether|approach\w*|close\s+to|\bnear|within\s+[\d.]"
    r"|to\s+within|abut\w*|appears?|\bmay\b|probabl[ey]|\blikely|clinical|history|\bor\b)"
    r"[^.;]*$"
)
_NEGATED_AFTER = re.compile(
    r"(?i)\s*(?:\([^()]{0,30}\)\s*)?[:\-]?\s*(?:is\s+|are\s+)?(?:not\s+(?:identified|present|seen"
    r"|involved|applicable)|absent|negative|none\b|no\b|free\b|n/?a\b|cannot|uninvolved|spared"
    r"|unremarkable)"
)
_CLAUSE_START = re.compile(r"(?:\.\s|;|\n|\?|!|:\s)")


# Hedges inside the statement itself ("invades at least into"); "but not through" is the
# one "not" that keeps its layer ("into but not through the muscularis propria": T2).
_HEDGED_INSIDE = re.compile(r"(?i)at\s+least|possibl|probabl|suspic|(?<!but\s)\bnot\b|\bno\b")
# "Clinical history: ..." describes an earlier finding, not this specimen.
_HISTORY_BEFORE = re.compile(
    r"(?i)(?:clinical\s+(?:history|information|data|notes?)|history|indication)\s*:[^.]*$"
)


def _positive(text: str, m: re.Match[str], *, negation_inside: bool = False) -> bool:
    """True when the statement at m is said, not denied or hedged, in its clause.
    ``negation_inside`` marks statements whose own words are a negation ("no
    extrathyroidal extension")."""
    lo = max(0, m.start() - 160)
    window = text[lo : m.start()]
    starts = [c.end() for c in _CLAUSE_START.finditer(window)]
    clause = window[starts[-1] :] if starts else window
    if _NEGATED_BEFORE.search(clause) or _HISTORY_BEFORE.search(window):
        return False
    if not negation_inside and _HEDGED_INSIDE.search(m.group(0)):
        return False
    return not _NEGATED_AFTER.match(text, m.end())


# Every statement names a structure; the patterns are tried only near one of these words,
# which keeps a long text of verbs and nothing else fast (the same prefilter as elsewhere).
_STRUCTURE = _Anchor(
    r"muscularis|submucosa|lamina|seros|peritone|peri|mesorect|mesenter|adventitia|detrusor"
    r"|subepithel|vesic|prostat|renal|sinus|kidney|capsule|vein|thrombus|adrenal|cava|ivc"
    r"|gerota|thyroid|strap|trachea|larynx|recurrent|soft|confine|limited|extent|depth|bladder"
    r"|rect|uter|vagin|pelvic|abdominal|adjacent|organ|bowel|intestine|stomach|spleen|liver"
    r"|ureter|pleura|aorta|vertebra|diaphragm|azygos|sphincter|levator|wall|omentum|gland"
    r"|esophag|skeletal|extra"
)


@functools.lru_cache(maxsize=4)
def _structure_windows(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_windows(text, _STRUCTURE, 170, 90))


# A report is 2-20 kB (the longest of the 850 development reports is 24 kB): the word rules
# read the first 100,000 characters, and give up after 100 denied statements of one kind.
_WORDS_MAX = 100_000
_TRIES = 100


def _first_positive(
    text: str, pattern: re.Pattern[str], *, negation_inside: bool = False
) -> re.Match[str] | None:
    matches = _finditer_windows(pattern, text, list(_structure_windows(text)))
    for tries, m in enumerate(matches):
        if tries >= _TRIES:
            return None
        if _positive(text, m, negation_inside=negation_inside):
            return m
    return None


@dataclass(frozen=True)
class _Level:
    """One depth of spread: the category it gives and the words that say it."""

    value: str
    pattern: re.Pattern[str]
    rule: str
    # "Confined to the organ": any deeper statement in the same report contradicts it.
    confined: bool = False


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile("(?i)" + pattern)


# ---------------------------------------------------------------------------------------
# Hollow organs: the deepest layer reached


_COLON = (
    _Level(
        "T4a",
        _ci(
            r"(?:penetrat\w*|perforat\w*|invad\w*|involv\w*|through|extend\w*)"
            + _TO
            + r"(?:visceral\s+peritoneum|serosal\s+surface|peritoneal\s+surface)"
            + r"|"
            + _EXTENT
            + r"(?:serosa\b|visceral\s+peritoneum)"
        ),
        "colon and rectum: the tumour reaches the surface of the visceral peritoneum (T4a)",
    ),
    _Level(
        "T3",
        _ci(
            r"(?:through|beyond)\s+(?:the\s+)?muscularis\s+propria"
            r"|" + _REACH + r"(?:peri-?\s?(?:colic|colonic|rectal|colorectal)|mesorectal"
            r"|subserosal?|mesenteric)\s*(?:fat|adipose|soft|tissue|connective)?"
        ),
        "colon and rectum: the tumour grows through the muscle wall into the fat around the bowel (T3)",
    ),
    _Level(
        "T2",
        _ci(_MUSCULARIS),
        "colon and rectum: the tumour grows into the muscle wall (muscularis propria) (T2)",
    ),
    _Level(
        "T1",
        _ci(_REACH_IN + r"submucosa\b"),
        "colon and rectum: the tumour grows into the submucosa (T1)",
    ),
)
_COLON_BLOCK = _ci(
    _VERB + r"[^.;]{0,80}(?:adjacent\s+(?:organ|structure)|abdominal\s+wall|bladder|uterus|vagina"
    r"|prostate|small\s+(?:bowel|intestine)|stomach|spleen|liver|kidney|ureter)"
)

# Stomach: AJCC 6 put subserosa in T2 and serosa in T3 (7 and 8: T3 and T4a), so only the
# layers every edition agrees on are read, and any mention of the outer layers stops it.
_STOMACH = (
    _Level(
        "T2",
        _ci(_MUSCULARIS),
        "stomach: the tumour grows into the muscle wall (muscularis propria) (T2)",
    ),
    _Level(
        "T1",
        _ci(_REACH_IN + r"(?:submucosa\b|lamina\s+propria)"),
        "stomach: the tumour grows into the lamina propria or submucosa (T1)",
    ),
)
_STOMACH_BLOCK = _ci(
    r"(?:through|beyond)\s+(?:the\s+)?muscularis\s+propria|subserosa|serosa\b|serosal"
    r"|visceral\s+peritoneum|perigastric|omentum|adjacent\s+(?:organ|structure)"
)

_ESOPHAGUS = (
    _Level(
        "T3",
        _ci(_REACH + r"(?:adventitia|peri-?\s?(?:o?esophageal)\s+(?:fat|soft|tissue))"),
        "esophagus: the tumour grows into the outer layer (adventitia) (T3)",
    ),
    _Level(
        "T2",
        _ci(_MUSCULARIS),
        "esophagus: the tumour grows into the muscle wall (muscularis propria) (T2)",
    ),
    _Level(
        "T1",
        _ci(_REACH_IN + r"(?:submucosa\b|lamina\s+propria)"),
        "esophagus: the tumour grows into the lamina propria or submucosa (T1)",
    ),
)
_ESOPHAGUS_BLOCK = _ci(
    _REACH + r"(?:pleura|pericardium|aorta|trachea|vertebra|diaphragm|azygos|adjacent)"
)

_BLADDER = (
    _Level(
        "T3",
        _ci(
            _REACH
            + r"peri-?\s?vesical\s*(?:fat|adipose|soft|tissue|connective)"
            + r"|peri-?\s?vesical\s+(?:fat|soft\s+tissue|tissue)\s+invasion\s*:\s*(?:present|identified)"
        ),
        "bladder: the tumour grows into the fat around the bladder (T3)",
    ),
    _Level(
        "T2",
        _ci(_REACH_IN + r"(?:muscularis\s+propria|detrusor)"),
        "bladder: the tumour grows into the bladder muscle (muscularis propria) (T2)",
    ),
    _Level(
        "T1",
        _ci(_REACH_IN + r"(?:lamina\s+propria|subepithelial\s+connective)"),
        "bladder: the tumour grows into the layer under the lining (lamina propria) (T1)",
    ),
)
# A T4 organ named, or words that the tumour left the wall ("extravesical", "extracapsular
# extension", "beyond the bladder wall") beside a layer inside it: nothing is derived.
_BLADDER_BLOCK = _ci(
    _VERB + r"[^.;]{0,80}(?:prostat|seminal|uter|vagin|pelvic\s+wall|abdominal\s+wall|rect)"
    r"|extra-?\s?vesical|extra-?\s?capsular\s+extension|beyond\s+the\s+(?:bladder\s+)?wall"
)

# Prostate (radical prostatectomy only): seminal vesicle, spread outside the gland, or
# confined to it. Bladder neck invasion was T4 in AJCC 6 and T3a later: it stops the rule.
_PROSTATE = (
    _Level(
        "T3b",
        _ci(
            _VERB
            + _TO
            + r"(?:(?:right|left|both|bilateral)\s+)?seminal\s+vesicles?"
            + r"|seminal\s+vesicle\s+(?:invasion|involvement)\s*:\s*(?:present|identified|yes)"
        ),
        "prostate: the cancer grows into a seminal vesicle (T3b)",
    ),
    _Level(
        "T3a",
        _ci(
            r"extra-?\s?prostatic\s+(?:extension|spread|invasion)\s*(?::\s*)?(?:is\s+)?"
            r"(?:present|identified|seen|focal|established|yes)"
            r"|" + _VERB + _TO + r"(?:extra-?\s?prostatic|peri-?\s?prostatic)\s+(?:fat|adipose"
            r"|soft|tissue|connective)"
        ),
        "prostate: the cancer grows outside the prostate (T3a)",
    ),
    _Level(
        "T2",
        _ci(
            r"(?:confined|limited)\s+(?:with)?in\s+(?:to\s+)?(?:the\s+)?prostat\w*"
            r"|(?:confined|limited)\s+to\s+(?:the\s+)?(?:prostat\w*|gland)|organ-?\s?confined"
        ),
        "prostate: the cancer is confined to the prostate (T2)",
        confined=True,
    ),
)
# Both ways out of the gland said to be free: no spread outside it, seminal vesicles clear.
_NO_EPE = _ci(
    r"no\s+(?:evidence\s+of\s+)?extra-?\s?prostatic\s+(?:extension|spread|invasion)"
    r"|extra-?\s?prostatic\s+(?:extension|spread|invasion)\s*:\s*(?:absent|not\s+identified"
    r"|none|no\b|negative|not\s+present)"
)
_SV_FREE = _ci(
    r"seminal\s+vesicles?[^.;:]{0,40}?[,:]\s*(?:no\s+tumou?r|free\s+of|negative|uninvolved"
    r"|not\s+involved|benign)"
    r"|seminal\s+vesicles?\s+(?:invasion|involvement)\s*:\s*(?:absent|not\s+identified|none"
    r"|no\b|negative)"
    r"|no\s+(?:evidence\s+of\s+)?seminal\s+vesicle\s+(?:invasion|involvement)"
)
_PROSTATE_T2_RULE = (
    "prostate: no spread outside the prostate and the seminal vesicles are free (T2)"
)
# The whole gland was removed: a needle biopsy or a TURP cannot show it confined.
_PROSTATECTOMY = _ci(r"prostatectomy|prostate\s+and\s+seminal\s+vesicles")
_PROSTATE_BLOCK = _ci(
    _VERB + _TO + r"(?:bladder\s+neck|bladder|rectum|rectal|levator|pelvic\s+wall|sphincter)"
)


# ---------------------------------------------------------------------------------------
# Solid organs: confined, with the size, or spread beyond the capsule

_KIDNEY_SPREAD = _ci(
    _VERB + _TO + r"(?:peri-?\s?(?:nephric|renal)|renal\s+sinus|sinus)[\s.]+(?:fat|adipose|soft"
    r"|connective|tissue)"
    r"|(?:tumou?r\s+)?thrombus\s+(?:is\s+)?(?:present\s+)?(?:in|within)\s+(?:the\s+)?(?:main\s+)?"
    r"renal\s+vein"
    r"|(?:invad\w*|invasive|invasion|extend\w*|extension|grow\w*)\s+(?:in(?:to)?|of)\s+(?:the\s+)?"
    r"(?:main\s+)?renal\s+vein"
    r"|(?:extend\w*|invad\w*|invasion|penetrat\w*|grow\w*)[\s:]+(?:focally\s+)?through\s+"
    r"(?:the\s+)?renal\s+capsule"
)
_KIDNEY_BLOCK = _ci(
    r"(?:invad\w*|invasive|invasion|extend\w*|extension|involv\w*|thrombus|grow\w*)"
    + _TO
    + r"(?:adrenal|vena\s+cava|\bIVC\b|gerota'?s?\s+fascia|beyond\s+gerota)"
)
_KIDNEY_CONFINED = _ci(
    r"(?:confined|limited)[\s.]+(?:with)?in[\s.]+(?:to\s+)?(?:the[\s.]+)?(?:kidney|renal\s+"
    r"(?:capsule|parenchyma))|(?:confined|limited)[\s.]+to[\s.]+(?:the[\s.]+)?(?:kidney|renal\s+"
    r"(?:capsule|parenchyma|cortex))|confinement[^:.]{0,40}:\s*confined"
)

_THYROID_SPREAD = _ci(
    _VERB + _TO + r"(?:extra-?\s?thyroid\w*|peri-?\s?thyroid\w*|strap|skeletal\s+muscle|soft"
    r"\s+tissue|trachea|esophag|larynx|recurrent)"
    r"|extra-?\s?thyroid\w*\s+(?:extension|invasion|spread)\s*(?::\s*)?(?:is\s+)?(?:present"
    r"|identified|seen|focal|minimal|microscopic|yes)"
)
_THYROID_CONFINED = _ci(
    r"(?:confined|limited)\s+to\s+(?:the\s+)?thyroid"
    r"|no\s+(?:evidence\s+of\s+)?extra-?\s?thyroid\w*\s+(?:extension|invasion|spread)"
    r"|extra-?\s?thyroid\w*\s+(?:extension|invasion|spread)\s*:\s*(?:absent|not\s+identified"
    r"|none|no\b|negative|not\s+present)"
)


_KIDNEY_T3A_RULE = (
    "kidney: the cancer grows into the fat around the kidney or into the renal vein (T3a)"
)


def _kidney_size_t(mm: float) -> str:
    if mm <= 40:
        return "T1a"
    if mm <= 70:
        return "T1b"
    return "T2a" if mm <= 100 else "T2b"


def _thyroid_size_t(mm: float) -> str:
    # AJCC 8: T1a <= 1 cm, T1b 1-2 cm, T2 2-4 cm, T3a over 4 cm limited to the thyroid.
    if mm <= 10:
        return "T1a"
    if mm <= 20:
        return "T1b"
    return "T2" if mm <= 40 else "T3a"


def _levels(
    text: str, levels: tuple[_Level, ...], block: re.Pattern[str] | None
) -> tuple[str, re.Match[str], str] | None:
    if block is not None and _first_positive(text, block):
        return None
    found = [(level, m) for level in levels if (m := _first_positive(text, level.pattern))]
    if not found:
        return None
    level, m = found[0]  # deepest first
    if any(other.confined for other, _ in found[1:]):
        return None  # "confined to the organ" and a deeper spread: the words disagree
    return level.value, m, level.rule


# Sizes written beside the tumour in the diagnosis, for the T rules only (the tumour-size
# field keeps its labelled sources): "carcinoma (9.7 CM)", "CARCINOMA, 5.0 CM", "tumor
# measures 4.5 cm", "forms a 2.5 x 2.2 x 2.1 cm mass", "Size = 2.2 cm". Used only when every
# such size in the report is the same, so two tumours of different sizes give nothing.
_NUM = r"\d{1,2}(?:\.\d{1,2})?"
_DIMS = _NUM + r"(?:\s*(?:cm)?\s*[x×]\s*" + _NUM + r"){0,2}\s*cm\b"
_SIZE_BESIDE = _ci(
    r"(?:carcinoma|neoplasm|grade\s+\d)\s*(?:,\s*|\(\s*)(?P<a>" + _DIMS + r")"
    r"|greatest\s+\S{6,9}\s+is\s+(?P<e>" + _DIMS + r")"
    r"|tumou?r\s+measures\s+(?P<b>" + _DIMS + r")"
    r"|(?:forms|is)\s+an?\s+(?P<c>" + _DIMS + r")\s+(?:mass|tumou?r|nodule)"
    r"|\bsize\s*=\s*(?P<d>" + _DIMS + r")"
)


_CM = _Anchor(r"cm\b")


def _largest_mm(dims: str) -> float:
    return max(float(n) for n in re.findall(r"\d{1,2}(?:\.\d{1,2})?", dims)) * 10


def _size_beside(text: str, size: Fact | None) -> float | None:
    if size is not None:
        return float(size.value) if size.status == "stated" else None
    windows = _windows(text, _CM, 60, 20)
    found = {
        _largest_mm(next(g for g in m.groups() if g))
        for m in _finditer_windows(_SIZE_BESIDE, text, windows)
    }
    return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class _SizeRule:
    """Confined to the organ, then T by the largest tumour's size."""

    organ: str
    spread: re.Pattern[str]
    confined: re.Pattern[str]
    by_size: Callable[[float], str]


def _size_rule(
    text: str, size: Fact | None, rule: _SizeRule
) -> tuple[str, re.Match[str], str] | None:
    if _first_positive(text, rule.spread):
        return None
    m = _first_positive(text, rule.confined, negation_inside=True)
    mm = _size_beside(text, size) if m is not None else None
    if m is None or mm is None:
        return None
    value = rule.by_size(mm)
    organ = rule.organ
    return value, m, f"{organ}: confined to the {organ}, largest tumour {mm:g} mm ({value})"


def _prostate(text: str) -> tuple[str, re.Match[str], str] | None:
    found = _levels(text, _PROSTATE, _PROSTATE_BLOCK)
    if found is not None or _first_positive(text, _PROSTATE_BLOCK):
        return found
    if any(_first_positive(text, level.pattern) for level in _PROSTATE):
        return None  # the levels disagreed
    no_epe = _first_positive(text, _NO_EPE, negation_inside=True)
    if no_epe and _first_positive(text, _SV_FREE, negation_inside=True):
        return "T2", no_epe, _PROSTATE_T2_RULE
    return None


def _histology(fields: dict[str, Fact]) -> str:
    hist = fields.get("histology")
    return hist.value.lower() if hist is not None and hist.status == "stated" else ""


def _specimen(fields: dict[str, Fact]) -> str:
    spec = fields.get("specimen")
    return spec.value.lower() if spec is not None else ""


_Found = tuple[str, re.Match[str], str] | None

_KIDNEY_SIZE = _SizeRule("kidney", _KIDNEY_SPREAD, _KIDNEY_CONFINED, _kidney_size_t)
_THYROID_SIZE = _SizeRule("thyroid", _THYROID_SPREAD, _THYROID_CONFINED, _thyroid_size_t)


def _kidney(text: str, fields: dict[str, Fact]) -> _Found:
    if _first_positive(text, _KIDNEY_BLOCK):
        return None
    m = _first_positive(text, _KIDNEY_SPREAD)
    if m and _first_positive(text, _KIDNEY_CONFINED):
        return None  # "confined to the kidney" and a spread beyond it: the words disagree
    if m:
        return "T3a", m, _KIDNEY_T3A_RULE
    return _size_rule(text, fields.get("tumor_size_mm"), _KIDNEY_SIZE)


# cancer -> (words the histology must hold, words it must not, the rule)
_RULES: dict[
    str, tuple[tuple[str, ...], tuple[str, ...], Callable[[str, dict[str, Fact]], _Found]]
] = {
    "colon": (("adenocarcinoma",), (), lambda t, f: _levels(t, _COLON, _COLON_BLOCK)),
    "stomach": (("adenocarcinoma",), (), lambda t, f: _levels(t, _STOMACH, _STOMACH_BLOCK)),
    "esophagus": ((), (), lambda t, f: _levels(t, _ESOPHAGUS, _ESOPHAGUS_BLOCK)),
    "bladder": (
        ("urothelial", "transitional"),
        (),
        lambda t, f: _levels(t, _BLADDER, _BLADDER_BLOCK),
    ),
    "prostate": (
        (),
        (),
        lambda t, f: (
            _prostate(t) if "prostatectomy" in _specimen(f) or _PROSTATECTOMY.search(t) else None
        ),
    ),
    "kidney": ((), ("urothelial", "transitional"), _kidney),
    "thyroid": (
        (),
        ("anaplastic",),
        lambda t, f: _size_rule(t, f.get("tumor_size_mm"), _THYROID_SIZE),
    ),
}


def _derive_t_words(text: str, fields: dict[str, Fact], cancer: str | None) -> _Found:
    hist = _histology(fields)
    if not hist or "carcinoma" not in hist or cancer not in _RULES:
        return None
    needed, refused, rule = _RULES[cancer]
    if needed and not any(word in hist for word in needed):
        return None
    if any(word in hist for word in refused):
        return None
    return rule(text, fields)


def derive_t(text: str, fields: dict[str, Fact], cancer: str | None) -> Fact | None:
    """A derived pT from the words, or None. Never called when the report states a pT."""
    found = _derive_t_words(text[:_WORDS_MAX], fields, cancer)
    if found is None:
        return None
    value, m, rule = found
    return _fact("pT", value, text, m.start(), m.end(), status=DERIVED, rule=rule)
