"""The first plan and each opinion, read into treatment components and compared.

Django glue around the pure plan reader and comparer (`secondopinion.plans`): it keeps what was
read on the rows (Component.to_dict() dicts, corrected by a person when they check them), and
shapes a comparison for the compare page and the handoff PDF. Nothing here reads wording:
treatments come from the plan reader, diagnosis and stage from structured facts only (the
patient's confirmed pathology facts, the stage as told on the case, the reviewer's yes / no).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from secondopinion.core.words import count
from secondopinion.plans.comparer import Comparison, compare_plans
from secondopinion.plans.reader import read_plan
from secondopinion.plans.reader.reading import PlanReading

if TYPE_CHECKING:  # the models import nothing from here; only the annotation needs them
    from secondopinion.opinions.models import Opinion

# Topics in the order a patient reads a plan: treatments, then tests, then trials.
TOPICS: dict[str, str] = {
    "surgery": "Surgery",
    "radiation": "Radiation",
    "chemotherapy": "Chemotherapy",
    "endocrine": "Hormone (endocrine) therapy",
    "targeted": "Targeted therapy",
    "immunotherapy": "Immunotherapy",
    "antibody-drug conjugate": "Antibody-drug conjugate",
    "radiopharmaceutical": "Radiopharmaceutical (radioactive medicine)",
    "active surveillance": "Active surveillance (watching closely)",
    "supportive": "Supportive care",
    "other": "Other",
    "test": "Tests",
    "clinical trial": "Clinical trials (research studies)",
}

KIND_WORDS = {
    "added": "added",
    "omitted": "left out",
    "changed": "changed",
    "duration_changed": "a different length of treatment",
    "order_changed": "a different order",
    "test_added": "a test added",
}

# Longest text the reader is given. The form fields allow less; this guards old rows and
# pasted text, so a 50 kB paste cannot slow a page.
MAX_TEXT = 12_000


def _reading(rows: list[dict], unread: list[str], agrees: bool) -> PlanReading:
    """A reading rebuilt from stored rows (Component.to_json(), with their status)."""
    reading = PlanReading.from_components(rows, unread)
    return dataclasses.replace(reading, agrees=agrees)


def read(text: str, cancer: str | None = None) -> PlanReading:
    return read_plan((text or "")[:MAX_TEXT], cancer or None)


def _rows(reading: PlanReading, corrected: list[dict] | None = None) -> list[dict]:
    """Everything to keep: the plan (or the person's corrections of it), and what the reader
    set aside as history or turned down, which the person does not edit but the comparer uses."""
    plan = [c.to_json() for c in reading.components] if corrected is None else corrected
    return plan + [c.to_json() for c in (*reading.history, *reading.refused)]


def editable(reading: PlanReading) -> list[dict]:
    """The rows a person checks: the plan's own components."""
    return [c.to_json() for c in reading.components]


def _stored_or_fresh(text, *, rows, unread, agrees, read_from, cancer) -> PlanReading:
    if read_from == text and text.strip():
        return _reading(rows, unread, agrees)
    return read(text, cancer)


# --- the first plan -----------------------------------------------------------------------


def case_reading(case) -> PlanReading:
    return _stored_or_fresh(
        case.first_plan,
        rows=case.first_plan_components,
        unread=case.first_plan_unread,
        agrees=case.first_plan_agrees,
        read_from=case.first_plan_read_from,
        cancer=case.cancer_type,
    )


def case_plan_store(case, *, components: list[dict] | None = None) -> None:
    """Read the first plan and keep it; `components` are the patient's corrections."""
    reading = read(case.first_plan, case.cancer_type)
    case.first_plan_components = _rows(reading, components)
    case.first_plan_unread = [str(u) for u in reading.unread]
    case.first_plan_agrees = reading.agrees
    case.first_plan_read_from = case.first_plan
    case.first_plan_checked = components is not None
    case.save(
        update_fields=[
            "first_plan_components",
            "first_plan_unread",
            "first_plan_agrees",
            "first_plan_read_from",
            "first_plan_checked",
            "updated_at",
        ]
    )


# --- each opinion -------------------------------------------------------------------------


def opinion_reading(opinion) -> PlanReading:
    return _stored_or_fresh(
        opinion.plan_text,
        rows=opinion.plan_components,
        unread=opinion.plan_unread,
        agrees=opinion.plan_agrees,
        read_from=opinion.plan_read_from,
        cancer=opinion.case.cancer_type,
    )


def opinion_plan_store(opinion, *, components: list[dict] | None = None) -> None:
    """Read the opinion's treatments, tests and trials and keep them (or the corrections)."""
    text = opinion.plan_text
    reading = read(text, opinion.case.cancer_type)
    opinion.plan_components = _rows(reading, components)
    opinion.plan_unread = [str(u) for u in reading.unread]
    opinion.plan_agrees = reading.agrees
    opinion.plan_read_from = text
    opinion.plan_checked = components is not None
    opinion.save(
        update_fields=[
            "plan_components",
            "plan_unread",
            "plan_agrees",
            "plan_read_from",
            "plan_checked",
        ]
    )


# --- words --------------------------------------------------------------------------------


def _duration(months) -> str:
    if months is None:
        return ""
    months = float(months)
    if months >= 12 and months % 12 == 0:
        years = int(months // 12)
        return f"for {count(years, 'year')}"
    number = int(months) if months == int(months) else round(months, 1)
    return f"for {count(number, 'month')}"


def describe(component) -> str:
    """A component in plain words: "letrozole for 5 years", "surgery: lumpectomy"."""
    what = ", ".join(component.drugs) if component.drugs else ""
    if component.procedure:
        procedure = component.procedure
        if component.modality == "radiation" and "radi" not in procedure.lower():
            procedure += " radiation"  # "whole-breast radiation", not "whole-breast"
        what = f"{what} ({procedure})" if what else procedure
    if not what:
        what = TOPICS.get(component.modality, component.modality).lower()
    words = " ".join(x for x in (what, _duration(component.duration_months)) if x)
    if getattr(component, "hedged", False):
        words += " (to consider)"
    return words


def describe_all(components) -> str:
    return "; ".join(describe(c) for c in components) or "nothing"


def _item_words(pairing) -> str:
    """A "not specific enough to compare" pairing in plain words."""
    if pairing.why:
        return str(pairing.why)
    return (
        f"{_topic(pairing.modality)}: your first plan says {describe_all(pairing.first)}; "
        f"this opinion says {describe_all(pairing.opinion)}."
    )


# --- the comparison -----------------------------------------------------------------------


@dataclass
class Side:
    words: str  # plain words
    source: str = ""  # the exact words it was read from, when there are any


@dataclass
class TopicRow:
    key: str
    label: str
    first: list[Side]
    opinion: list[Side]
    differs: bool = False


@dataclass
class DiffView:
    topic: str
    kind: str
    text: str  # plain words for the patient
    for_doctor: str  # the same, addressed to the local doctor ("the patient's first plan")
    reviewer_questions: list[str] = field(default_factory=list)
    local_questions: list[str] = field(default_factory=list)


@dataclass
class FactRow:
    label: str
    first: str
    opinion: str
    differs: bool
    answered: bool


@dataclass
class OpinionComparison:
    opinion: Opinion
    facts: list[FactRow]
    rows: list[TopicRow]
    differences: list[DiffView]
    not_comparable: list[str]
    unread_first: list[str]
    unread_opinion: list[str]
    checked: bool
    first_missing: bool = False  # no first plan written down: treatments are not compared

    @property
    def agrees(self) -> bool:
        return not self.differences and not self.first_missing


def _sides(components) -> list[Side]:
    sides = []
    for c in components:
        words, source = describe(c), (c.text or "").strip()
        # The source words are shown only when they say more than our plain words.
        sides.append(Side(words, "" if source.casefold() == words.casefold() else source))
    return sides


def _topic(modality: str) -> str:
    return TOPICS.get(modality, modality.capitalize())


def _fact_rows(case, opinion, pathology: list[tuple[str, str]]) -> list[FactRow]:
    facts = "; ".join(f"{label}: {value}" for label, value in pathology)
    first = case.cancer_label if case.cancer_type else "Not recorded"
    if facts:
        first += f" ({facts})"
    diag = {
        "yes": "Agrees with the diagnosis.",
        "no": "Sees the diagnosis differently"
        + (
            f": {opinion.diagnosis_difference.strip()}"
            if opinion.diagnosis_difference.strip()
            else "."
        ),
    }.get(opinion.diagnosis_agrees, "Did not say.")
    stage_first = case.stage_told.strip() or "Not recorded"
    stage = {
        "yes": "Agrees with the stage.",
        "no": "Gives a different stage"
        + (f": {opinion.stage_opinion.strip()}" if opinion.stage_opinion.strip() else "."),
    }.get(opinion.stage_agrees, "Did not say.")
    return [
        FactRow(
            "Diagnosis",
            first,
            diag,
            opinion.diagnosis_agrees == "no",
            bool(opinion.diagnosis_agrees),
        ),
        FactRow(
            "Stage", stage_first, stage, opinion.stage_agrees == "no", bool(opinion.stage_agrees)
        ),
    ]


def _fact_differences(rows: list[FactRow], who: str) -> list[DiffView]:
    out = []
    for row in rows:
        if not row.differs:
            continue
        thing = row.label.lower()
        out.append(
            DiffView(
                topic=row.label,
                kind="changed",
                text=f"{row.label}. What you were told: {row.first}. {who}: {row.opinion}",
                for_doctor=f"{row.label}. As recorded in the patient's records: {row.first}. "
                f"{who}: {row.opinion}",
                reviewer_questions=[
                    f"You see my {thing} differently. What makes you see it that way?",
                    f"Does the different {thing} change which treatment you recommend?",
                ],
                local_questions=[
                    f"The second opinion sees my {thing} differently. Should my records or "
                    "tests be looked at again?"
                ],
            )
        )
    return out


def opinion_comparison(
    case, opinion, first: PlanReading, pathology: list[tuple[str, str]]
) -> OpinionComparison:
    """One opinion against the first plan: facts, topics side by side, differences."""
    mine = opinion_reading(opinion)
    first_missing = not case.first_plan.strip()
    # Without a first plan, "the first plan does not include X" would be made up: compare nothing.
    result = compare_plans(first, mine) if not first_missing else Comparison()
    who = opinion.label
    diffs_by_topic: dict[str, list] = {}
    views = []
    for d in result.differences:
        diffs_by_topic.setdefault(d.modality, []).append(d)
        label = _topic(d.modality)
        views.append(
            DiffView(
                topic=label,
                kind=d.kind,
                text=str(d.why),
                for_doctor=f"{label} ({KIND_WORDS.get(d.kind, d.kind)}). The patient's first "
                f"plan: {describe_all(d.first)}. {who}: {describe_all(d.opinion)}.",
                reviewer_questions=list(d.questions_for_reviewer),
                local_questions=list(d.questions_for_local_doctor),
            )
        )
    facts = _fact_rows(case, opinion, pathology)
    views = _fact_differences(facts, who) + views
    rows = []
    modalities = {c.modality for c in first.components} | {c.modality for c in mine.components}
    order = list(TOPICS) + sorted(modalities - set(TOPICS))
    for key in order:
        if key not in modalities:
            continue
        rows.append(
            TopicRow(
                key,
                _topic(key),
                _sides([c for c in first.components if c.modality == key]),
                _sides([c for c in mine.components if c.modality == key]),
                key in diffs_by_topic,
            )
        )
    return OpinionComparison(
        opinion=opinion,
        facts=facts,
        rows=rows,
        differences=views,
        not_comparable=[_item_words(i) for i in result.not_comparable],
        unread_first=[str(u) for u in first.unread],
        unread_opinion=[str(u) for u in mine.unread],
        checked=opinion.plan_checked,
        first_missing=first_missing,
    )


def goal_questions(goals: list[str], comparisons: list[OpinionComparison]) -> list[str]:
    """One question per goal the patient wrote (every one of them), tied to the differences."""
    topics = []
    for comp in comparisons:
        for d in comp.differences:
            if d.topic.lower() not in topics:
                topics.append(d.topic.lower())
    if topics:
        where = ", ".join(topics)
        return [
            f"The opinions differ from my first plan on: {where}. How would each option affect "
            f"this goal of mine: {goal}?"
            for goal in goals
        ]
    return [f"How does the plan fit this goal of mine: {goal}?" for goal in goals]
