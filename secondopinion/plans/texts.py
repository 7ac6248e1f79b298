"""Every sentence the comparer shows, in tables keyed by difference kind (pure, no Django).

Plain US English. The product explains; it never says which plan is right. `why` names both
sides; the questions are drafts the patient may edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from secondopinion.core.words import count

from .reader.reading import Component

NOT_SPECIFIC = "Not specific enough to compare: one side names the treatment only in general."
UNREAD = "We could not compare this part: read both."

MODALITY_LABEL = {
    "surgery": "surgery",
    "radiation": "radiation",
    "chemotherapy": "chemotherapy",
    "endocrine": "hormone (endocrine) therapy",
    "targeted": "targeted therapy",
    "immunotherapy": "immunotherapy",
    "antibody-drug conjugate": "antibody-drug conjugate (a drug joined to an antibody)",
    "radiopharmaceutical": "radioactive medicine",
    "supportive": "supportive care",
    "active surveillance": "active surveillance (watching closely instead of treating now)",
    "clinical trial": "clinical trial",
    "test": "tests",
    "other": "another treatment",
}

# {first} and {opinion} are filled with the components described in plain words.
WHY = {
    "added": "Your first plan: no {label}. This opinion: {opinion}.",
    "omitted": "Your first plan: {first}. This opinion: does not include {label}.",
    "omitted_refused": "Your first plan: {first}. This opinion: advises against it ({opinion}).",
    "changed": "Your first plan: {first}. This opinion: {opinion}.",
    "duration_changed": "Your first plan: {first}. This opinion: {opinion}.",
    "order_changed": "Your first plan: {first_order}. This opinion: {opinion_order}.",
    "test_added": "Your first plan: does not mention {opinion}. This opinion: asks for {opinion}.",
}

QUESTIONS = {
    ("added", "reviewer"): ("What would {label} add for me, and what are its main side effects?",),
    ("added", "local"): (
        "The second opinion suggests {opinion}. Would you consider adding it to my plan?",
    ),
    ("omitted", "reviewer"): ("My first plan includes {first}. Why do you leave it out?",),
    ("omitted", "local"): (
        "The second opinion does not include {first}. What would I lose or gain without it?",
    ),
    ("changed", "reviewer"): ("Why do you suggest {opinion} rather than {first}?",),
    ("changed", "local"): (
        "The second opinion suggests {opinion} instead of {first}. What do you think of that?",
    ),
    ("duration_changed", "reviewer"): ("Why do you suggest {opinion} rather than {first}?",),
    ("duration_changed", "local"): (
        "The second opinion suggests a different length: {opinion} instead of {first}. "
        "How long should I take it, and why?",
    ),
    ("order_changed", "reviewer"): ("Why do you suggest a different order for {label}?",),
    ("order_changed", "local"): (
        "The second opinion gives {label} at a different point in the plan. "
        "Could the order change, and what would that mean for me?",
    ),
    ("test_added", "reviewer"): ("What could {opinion} change in my treatment?",),
    ("test_added", "local"): (
        "The second opinion suggests {opinion}. Can we do it, and before treatment starts?",
    ),
}

DURATION_WORDS = ((12, "year"), (1, "month"))


def duration_words(months: float | None) -> str:
    if not months:
        return ""
    if months >= 12 and abs(months / 12 - round(months / 12)) < 0.05:
        n = round(months / 12)
        return count(n, "year")
    if months < 3 and abs(months * 52 / 12 - round(months * 52 / 12)) < 0.2:
        n = round(months * 52 / 12)
        return count(n, "week")
    amount = round(months) if abs(months - round(months)) < 0.05 else months
    return count(amount, "month")


def describe(component: Component) -> str:
    """One component in plain words: "letrozole for 5 years", "lumpectomy"."""
    if component.modality == "test":
        name = component.kind or component.text
    elif component.drugs:
        name = _join(list(component.drugs))
    elif component.procedure:
        name = component.procedure
        if component.modality == "radiation" and "radiation" not in name:
            name = f"{name} radiation"
    else:
        name = f"{MODALITY_LABEL.get(component.modality, component.modality)} (not named)"
    length = duration_words(component.duration_months)
    return f"{name} for {length}" if length else name


def describe_all(components: Sequence[Component]) -> str:
    named = [c for c in components if c.specific and (c.drugs or c.procedure or c.kind)]
    parts = list(dict.fromkeys(describe(c) for c in (named or components)))
    return _join(parts) if parts else "nothing named"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _order_words(order: Sequence[str]) -> str:
    return ", then ".join(MODALITY_LABEL.get(m, m) for m in order)


def why(
    kind: str,
    modality: str,
    first: Sequence[Component],
    opinion: Sequence[Component],
    **extra: Any,
) -> str:
    key = "omitted_refused" if kind == "omitted" and extra.get("refused") else kind
    return WHY[key].format(
        label=MODALITY_LABEL.get(modality, modality),
        first=describe_all(first),
        opinion=describe_all(opinion),
        first_order=_order_words(extra.get("first_order", ())),
        opinion_order=_order_words(extra.get("opinion_order", ())),
    )


def questions(
    kind: str,
    audience: str,
    modality: str,
    first: Sequence[Component],
    opinion: Sequence[Component],
) -> tuple[str, ...]:
    return tuple(
        q.format(
            label=MODALITY_LABEL.get(modality, modality),
            first=describe_all(first),
            opinion=describe_all(opinion),
        )
        for q in QUESTIONS.get((kind, audience), ())
    )
