"""Plain-language explanations of every value the extractor can output.

This is the ONE reviewed place for the product's medical wording about pathology facts.
Definitions follow the AJCC Cancer Staging Manual, 8th edition, and the usual reporting
systems (Nottingham, ISUP/WHO, FIGO, Gleason/ISUP grade groups, ASCO/CAP for ER, PR and HER2).
Sentences are our own, short, and describe; they never advise.

Review rule: any change to a sentence here needs a second person who checks it against the
AJCC 8th edition text or the named guideline. Keep each explanation to two or three short
sentences; the page shows it beside the highlighted words of the report.

The wording itself lives in two data modules, `glossary_staging.py` (T, N, M) and
`glossary_entries.py` (every other field); this module picks the sentence.

Pure module: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from secondopinion.pathology.glossary_entries import (
    DRIVER_KIND,
    DRIVER_NAMES,
    FIELD_LABELS,
    GRADE_GROUPS,
    GRADE_SYSTEMS,
    GRADE_VALUES,
    HISTOLOGY,
    PROCEDURES,
    SIMPLE,
)
from secondopinion.pathology.glossary_staging import (
    CANCER_ALIASES,
    CANCER_NAMES,
    M_BY_CANCER,
    M_GENERIC,
    N_BY_CANCER,
    N_GENERIC,
    PREFIX,
    T_BY_CANCER,
    T_GENERIC,
    TNM_INTRO,
)

__all__ = [
    "CANCER_ALIASES",
    "CANCER_NAMES",
    "DRIVER_KIND",
    "DRIVER_NAMES",
    "FIELD_LABELS",
    "GRADE_GROUPS",
    "GRADE_SYSTEMS",
    "GRADE_VALUES",
    "HISTOLOGY",
    "M_BY_CANCER",
    "M_GENERIC",
    "N_BY_CANCER",
    "N_GENERIC",
    "PREFIX",
    "PROCEDURES",
    "SIMPLE",
    "TNM_INTRO",
    "T_BY_CANCER",
    "T_GENERIC",
    "cancer_key",
    "explain",
    "label",
]


def cancer_key(cancer_code: str | None) -> str | None:
    if not cancer_code:
        return None
    code = cancer_code.strip()
    return CANCER_ALIASES.get(code.upper(), CANCER_ALIASES.get(code, code.lower()))


def _split_tnm(value: str) -> tuple[str, str]:
    """'T2a' -> ('T2a', 'T2'); 'N0(i+)' -> ('N0(i+)', 'N0'); 'T1mi' -> ('T1mi', 'T1')."""
    m = re.match(r"([TNM])(is|a(?![a-z])|X|\d)", value)
    if not m:
        return value, value
    main = m.group(1) + m.group(2)
    return value, main


def _explain_tnm(field: str, value: str, cancer: str | None) -> str:
    axis = field[1:]
    full, main = _split_tnm(value)
    if cancer == "lymphoma":
        return (
            "The TNM system is not used for lymphoma. Lymphoma is staged by the areas of the "
            "body it involves (the Lugano classification)."
        )
    per = {"T": T_BY_CANCER, "N": N_BY_CANCER, "M": M_BY_CANCER}[axis].get(cancer or "", {})
    generic = {"T": T_GENERIC, "N": N_GENERIC, "M": M_GENERIC}[axis]
    sentence = per.get(full) or generic.get(full)
    if sentence is None and full != main:
        base = per.get(main) or generic.get(main)
        if base:
            sentence = (
                base + f" The letter or number after {main} (here {full}) adds detail. Its "
                "meaning depends on the type of cancer."
            )
    if sentence is None:
        sentence = f"{full} is a category of the TNM staging system."
    name = CANCER_NAMES.get(cancer or "")
    # pM0 is not a pathological category (a pathologist cannot show "no spread" from tissue).
    lead = full if full == "M0" else f"p{full}"
    # The cancer gets a sentence of its own: "pT3a in <a long cancer name>: <sentence>" made
    # one long sentence, which read above grade 8.
    if name and (full in per):
        return f"Here is what {lead} means in {name}. {sentence}"
    return f"{lead}: {sentence}"


# ---------------------------------------------------------------------------------------


def label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


# One small handler per field: (value, value as text, cancer, details) -> sentence or None.
# None falls back to the general sentence in explain().
Handler = Callable[[Any, str, str | None, dict[str, Any]], str | None]


def _tnm(field: str) -> Handler:
    return lambda value, text, cancer, details: _explain_tnm(field, text, cancer)


def _prefixes(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    return " ".join(PREFIX[c] for c in text if c in PREFIX)


def _grade(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    base = GRADE_VALUES.get(text, f"Grade {text}.")
    system = details.get("system")
    return base + " " + GRADE_SYSTEMS[system] if system in GRADE_SYSTEMS else base


# Extra words a detail adds to a SIMPLE sentence, per field.
def _margin_extra(details: dict[str, Any]) -> str:
    extra = ""
    if details.get("in_situ"):
        extra += (
            " This is about the in-situ part: cancer cells that have not grown out of"
            " where they started (such as DCIS)."
        )
    if details.get("closest_mm") is not None:
        extra += f" The closest distance reported is {details['closest_mm']} mm."
    return extra


def _percent_extra(details: dict[str, Any]) -> str:
    if details.get("percent") is None:
        return ""
    return f" Reported: {details['percent']}% of cells stained."


def _her2_extra(details: dict[str, Any]) -> str:
    if not details.get("ihc_score"):
        return ""
    return f" The protein test (IHC) score was {details['ihc_score']}."


SIMPLE_EXTRAS: dict[str, Callable[[dict[str, Any]], str]] = {
    "margins": _margin_extra,
    "er": _percent_extra,
    "pr": _percent_extra,
    "her2": _her2_extra,
}


def _simple(field: str) -> Handler:
    def handler(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
        sentence = SIMPLE[field].get(text)
        if not sentence:
            return None
        extra = SIMPLE_EXTRAS.get(field)
        return sentence + (extra(details) if extra else "")

    return handler


def _driver(field: str) -> Handler:
    def handler(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
        name = DRIVER_NAMES[field]
        if text != "detected":
            return f"{name}: the test did not find {DRIVER_KIND[field]}."
        variant = f" ({details['variant']})" if details.get("variant") else ""
        return (
            f"{name}: the test found {DRIVER_KIND[field]}{variant}. Some such changes can be "
            "targeted by specific medicines; the treating team interprets this."
        )

    return handler


def _tumour_size(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    cm = float(value) / 10
    return (
        f"The tumor measures {value} mm ({cm:g} cm) at its largest, as measured by the pathologist."
    )


def _nodes_examined(
    value: Any, text: str, cancer: str | None, details: dict[str, Any]
) -> str | None:
    return f"{value} lymph node(s) were removed and looked at under the microscope."


def _nodes_positive(
    value: Any, text: str, cancer: str | None, details: dict[str, Any]
) -> str | None:
    if value == 0:
        return "None of the examined lymph nodes contained cancer."
    return f"{value} of the examined lymph node(s) contained cancer."


def _ki67(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    return (
        f"Ki-67 marks cells that are in the cycle of growing and dividing. {value}% of the "
        "cancer cells showed it. A higher number often goes with faster growth. Labs measure "
        "it in different ways, so compare numbers from the same lab."
    )


def _gleason(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    m = re.match(r"(\d)\+(\d)=(\d+)", text)
    if not m:
        return None
    a, b, total = m.groups()
    sentence = (
        f"Gleason score {text}: the most common growth pattern is {a}. The second "
        f"number, {b}, is the next most common pattern (on a needle biopsy, the highest "
        "pattern seen). Patterns run from 3, closest to normal, to 5, most abnormal. "
        f"They add up to {total}. Scores run from 6 to 10 in practice."
    )
    if details.get("tertiary"):
        sentence += (
            f" A small amount of pattern {details['tertiary']} was also seen (a third,"
            " or tertiary, pattern). Doctors take it into account."
        )
    return sentence


def _grade_group(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    try:
        return GRADE_GROUPS[int(value)]
    except (KeyError, ValueError):
        return None


def _pdl1(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    parts = []
    if "tps" in details:
        parts.append(
            f"TPS (tumor proportion score) {details['tps']}%: the share of cancer cells "
            "that show PD-L1."
        )
    if "cps" in details:
        parts.append(
            f"CPS (combined positive score) {details['cps']}: PD-L1-stained cancer and "
            "immune cells per 100 cancer cells."
        )
    intro = "PD-L1 is a protein that helps cancer hide from the immune system. It is tested "
    intro += "to see whether certain immunotherapy medicines may help."
    if not parts:
        parts.append(f"The result was {text}.")
    return intro + " " + " ".join(parts)


def _stage_group(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    system = details.get("system", "AJCC")
    return (
        f"Stage {text} ({system}) sums up the tumor, lymph node and spread findings in "
        "one stage, from 0 (earliest) to IV (spread far in the body). For some cancers, the "
        "stage also uses grade, markers, PSA or age."
    )


def _ajcc_edition(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    note = "" if text == "8" else " Some categories changed between editions."
    note += " Version 9 now applies to some cancers, such as lung cancer."
    return f"The stage was given using the AJCC manual, edition {value}.{note}"


def _specimen(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    if text in PROCEDURES:
        article = "an" if text[:1] in "aeiou" else "a"
        return f"The tissue came from {article} {text}. This means {PROCEDURES[text]}."
    return f"The tissue came from this procedure: {text}."


def _site(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    return f"The cancer started in the {text}. This is called the primary site."


def _histology(value: Any, text: str, cancer: str | None, details: dict[str, Any]) -> str | None:
    lead = "The type of cancer, named by how the cells look under the microscope."
    return f"{lead} {HISTOLOGY[text]}" if text in HISTOLOGY else f"{lead} Here it is: {text}."


HANDLERS: dict[str, Handler] = {
    "pT": _tnm("pT"),
    "pN": _tnm("pN"),
    "pM": _tnm("pM"),
    "tnm_prefixes": _prefixes,
    "grade": _grade,
    **{name: _simple(name) for name in SIMPLE},
    **{name: _driver(name) for name in DRIVER_NAMES},
    "tumor_size_mm": _tumour_size,
    "nodes_examined": _nodes_examined,
    "nodes_positive": _nodes_positive,
    "ki67_percent": _ki67,
    "gleason": _gleason,
    "grade_group": _grade_group,
    "pdl1": _pdl1,
    "stage_group": _stage_group,
    "ajcc_edition": _ajcc_edition,
    "specimen": _specimen,
    "site": _site,
    "histology": _histology,
}


def explain(
    field: str, value: Any, cancer_code: str | None = None, details: dict[str, Any] | None = None
) -> str:
    """A short plain-language explanation of one extracted fact.

    ``cancer_code`` is our cancer name ("breast") or a TCGA code ("BRCA"); where a value's
    meaning depends on the cancer (pT2 in breast is not pT2 in prostate) it selects the right
    wording. Unknown combinations fall back to a general sentence, never to a guess.
    """
    handler = HANDLERS.get(field)
    text = str(value)
    sentence = handler(value, text, cancer_key(cancer_code), details or {}) if handler else None
    return sentence if sentence is not None else f"{label(field)}: {text}."
