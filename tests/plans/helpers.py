"""Small helpers for the plan reader and comparer tests."""

from secondopinion.plans.comparer import compare_plans
from secondopinion.plans.reader import read_plan


def kinds(first: str, opinion: str, cancer: str | None = None) -> set[tuple[str, str]]:
    """The (kind, modality) set the comparer finds for two texts."""
    result = compare_plans(read_plan(first, cancer), read_plan(opinion, cancer))
    return {(d.kind, d.modality) for d in result.differences}


def drugs_by_modality(text: str, cancer: str | None = None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for c in read_plan(text, cancer).components:
        out.setdefault(c.modality, set()).update(c.drugs)
    return out
