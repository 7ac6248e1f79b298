"""Resolution (one fact per field), derived facts and the cancer type.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

from dataclasses import replace

from secondopinion.pathology.extraction.core import DERIVED, UNCERTAIN, Fact, _dedupe_values, _fact
from secondopinion.pathology.extraction.markers import _gleason_group
from secondopinion.pathology.extraction.nodes import _node_positive_mentioned

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
    if (
        "nodes_positive" not in fields
        and fractions
        and all(f.value[0] == 0 for f in fractions)
        and not _node_positive_mentioned(text)
    ):
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


# Without a site, in this order: a fact only one cancer has, then a word in the histology.
_CANCER_BY_FACT = (("gleason", "prostate"), ("er", "breast"), ("pr", "breast"))
_CANCER_BY_HISTOLOGY = (
    ("renal", "kidney"),
    ("urothelial", "bladder"),
    ("thyroid", "thyroid"),
    ("endometrioid", "endometrium"),
)


def _cancer_without_site(fields: dict[str, Fact], histology: str) -> str | None:
    for name, cancer in _CANCER_BY_FACT:
        if name in fields:
            return cancer
    for word, cancer in _CANCER_BY_HISTOLOGY:
        if word in histology:
            return cancer
    return None


def _cancer(fields: dict[str, Fact]) -> str | None:
    site = fields.get("site")
    hist = fields.get("histology")
    h = hist.value if hist else ""
    if "lymphoma" in h.lower():
        return "lymphoma"
    if h.startswith("melanoma"):
        return "melanoma"
    if site is None:
        return _cancer_without_site(fields, h)
    skin = "melanoma" if h.startswith("melanoma") else None
    return {"rectum": "colon", "skin": skin}.get(site.value, site.value)
