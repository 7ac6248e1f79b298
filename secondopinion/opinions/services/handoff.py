"""The opinions compared with the first plan, and the one-page handoff for the local doctor."""

from __future__ import annotations

from django.utils import timezone

from secondopinion.core.words import doctor_name, sentence
from secondopinion.opinions import pdfs, readings
from secondopinion.opinions.models import Decision, Handoff, Opinion
from secondopinion.opinions.services.summary import case_diagnosis, pathology_facts


def case_comparisons(case, opinions: list[Opinion]) -> list[readings.OpinionComparison]:
    """Each opinion against the first plan, read into components (see readings.py)."""
    first = readings.case_reading(case)
    facts = pathology_facts(case) if opinions else []
    return [readings.opinion_comparison(case, o, first, facts) for o in opinions]


STANCE_SENTENCE = {
    "confirms": "confirms the first plan",
    "proposes_changes": "proposes changes to the first plan",
    "proposes_other": "proposes a different plan",
}


def _sentence(comparison: readings.OpinionComparison) -> str:
    opinion = comparison.opinion
    stance = STANCE_SENTENCE.get(opinion.stance, "did not say whether they agree with the plan")
    text = f"{opinion.label}, {opinion.received_on:%B %-d, %Y}: {stance}"
    if comparison.first_missing:
        text += "; not compared (the first plan was not recorded)"
    elif comparison.agrees:
        text += "; no difference in the treatments, diagnosis or stage that could be compared"
    return text + "."


def handoff_data(case) -> pdfs.Handoff:
    opinions = list(case.opinions.select_related("service"))
    comparisons = case_comparisons(case, opinions)
    decision = Decision.objects.filter(case=case).first()
    questions = [q.text for q in case.questions.filter(group="local", asked=False)]
    seen = {q.lower() for q in questions}
    for opinion in opinions:
        # Opinions saved before their questions reached the list: theirs are added once.
        questions += [q for q in opinion.question_list if q.lower() not in seen]
    differences, unclear = [], []
    for comp in comparisons:
        differences += [d.for_doctor for d in comp.differences]
        unclear += [f"Not specific enough to compare: {item}" for item in comp.not_comparable]
        if comp.unread_first or comp.unread_opinion:
            unclear.append(
                f"{comp.opinion.label}: parts of the plans could not be compared by the app "
                "and need reading in full."
            )
    decided = ""
    if decision and decision.choice.strip():
        decided = decision.choice.strip() + (
            f" Why: {decision.reasons.strip()}" if decision.reasons.strip() else ""
        )
    return pdfs.Handoff(
        patient_name=case.patient_name,
        case_line=f"{case_diagnosis(case) or 'Cancer'}. The patient's first plan: "
        + sentence(case.first_plan.strip() or "not recorded"),
        local_doctor=", ".join(
            x for x in (doctor_name(case.doctor_name), case.doctor_institution) if x
        ),
        opinions=[_sentence(c) for c in comparisons],
        differences=differences,
        unclear=unclear,
        compared=bool(case.first_plan.strip()),
        questions=questions,
        decision=decided,
        written_on=timezone.localdate(),
    )


def handoff_for(case) -> Handoff:
    return Handoff.objects.get_or_create(case=case)[0]
