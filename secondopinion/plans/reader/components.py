"""Each mention becomes components: a regimen splits by modality and phase, "chemo" explained
by its drugs is dropped, neighbouring drugs of one modality are joined. No Django here."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TypedDict

from ..lexicon import lexicon
from .mentions import Mention
from .reading import DRUG_MODALITIES, PLAN, Component


class _Common(TypedDict):
    """What every component read from one mention shares."""

    text: str
    start: int
    end: int
    hedged: bool
    conditional: bool
    status: str


def mention_components(source: str, m: Mention) -> list[tuple[Component, float]]:
    text = source[m.start : m.end]
    common: _Common = {
        "text": text,
        "start": m.start,
        "end": m.end,
        "hedged": m.hedged,
        "conditional": m.conditional,
        "status": m.status,
    }
    out: list[tuple[Component, float]] = []
    if m.modality == "regimen":
        lex = lexicon()
        for k, phase_drugs in enumerate(m.regimen_phases or (m.drugs,)):
            by_modality: dict[str, list[str]] = {}
            local = []
            for generic in phase_drugs:
                if generic.startswith("@"):  # radiation or surgery named in the sequence
                    local.append(generic[1:])
                    continue
                drug = lex.drug(generic)
                modality = drug.modality if drug else "other"
                by_modality.setdefault(modality, []).append(generic)
            for modality in local:
                comp = Component(modality=modality, specific=False, regimen=m.regimen, **common)
                out.append((comp, m.steps[k] if k < len(m.steps) else m.step))
            if (
                all(_steroid(d) for d in by_modality.get("chemotherapy", ["x"]))
                and len(by_modality) > 1
            ):
                # steroids alone in a phase ride along ("VRd"): not chemotherapy by themselves
                by_modality["supportive"] = by_modality.pop("chemotherapy")
            for modality, drugs in by_modality.items():
                comp = Component(
                    modality=modality,
                    drugs=tuple(drugs),
                    duration_months=m.duration,
                    regimen=m.regimen,
                    **common,
                )
                out.append((comp, m.steps[k] if k < len(m.steps) else m.step))
        return out
    comp = Component(
        modality=m.modality,
        drugs=m.drugs,
        procedure=m.procedure,
        duration_months=m.duration,
        specific=m.specific,
        kind=m.kind,
        drug_class=m.drug_class,
        **common,
    )
    out.append((comp, m.step))
    out.extend((Component(modality=extra, specific=False, **common), m.step) for extra in m.extra)
    return out


EXPLAINS_AFTER = re.compile(r"[\s,]*(?:\(|:|-|with|of|using|namely)?\s*", re.IGNORECASE)
EXPLAINS_BEFORE = re.compile(r"[\s-]*(?:based|containing)?\s*", re.IGNORECASE)


def explained_drop(
    scan: str, items: list[tuple[Component, float]]
) -> list[tuple[Component, float]]:
    """Drop "chemo" when its own drugs are named beside it ("chemo (cisplatin)", "chemo with
    gemcitabine", "cisplatin-based chemotherapy"): the drugs say it, and a bare "chemo" left
    over would wrongly mean "some other drug may be meant"."""
    named = [c for c, _ in items if c.drugs and c.status == PLAN]
    keep = []
    for comp, step in items:
        if comp.modality in DRUG_MODALITIES and not comp.drugs and not comp.specific:
            explained = False
            for other in named:
                if other.modality != comp.modality:
                    continue
                if other.start >= comp.end and other.start - comp.end <= 25:
                    explained = bool(EXPLAINS_AFTER.fullmatch(scan[comp.end : other.start]))
                elif other.end <= comp.start and comp.start - other.end <= 12:
                    explained = bool(EXPLAINS_BEFORE.fullmatch(scan[other.end : comp.start]))
                if explained:
                    break
            if explained:
                continue
        keep.append((comp, step))
    return keep


def _steroid(generic: str) -> bool:

    drug = lexicon().drug(generic)
    return drug is not None and drug.drug_class == "corticosteroid"


def drugs_merge(
    source: str, scan: str, items: list[tuple[Component, float]]
) -> list[tuple[Component, float]]:
    """Join neighbouring named drugs of one modality ("carboplatin and paclitaxel")."""
    out: list[tuple[Component, float]] = []
    for comp, step in items:
        if out:
            prev, prev_step = out[-1]
            gap = scan[prev.end : comp.start] if comp.start >= prev.end else None
            if (
                gap is not None
                and prev.modality == comp.modality
                and comp.modality in DRUG_MODALITIES
                and prev.specific
                and comp.specific
                and prev.regimen is None
                and comp.regimen is None
                and prev_step == step
                and prev.status == comp.status
                and len(gap) <= 20
                and re.fullmatch(r"[\s,]*(?:and|plus|with|&|\+|/|-)?[\s]*", gap, re.IGNORECASE)
            ):
                drugs = tuple(dict.fromkeys((*prev.drugs, *comp.drugs)))
                durations = [d for d in (prev.duration_months, comp.duration_months) if d]
                merged = replace(
                    prev,
                    drugs=drugs,
                    end=comp.end,
                    text=source[prev.start : comp.end],
                    duration_months=max(durations) if durations else None,
                    hedged=prev.hedged or comp.hedged,
                )
                out[-1] = (merged, prev_step)
                continue
        out.append((comp, step))
    return out
