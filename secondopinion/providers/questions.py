"""The call or email script for one service: only the questions whose answers are still unknown.

Pure module: no Django. Takes the same `ServiceFacts` as the rules, plus the patient's cancer in
their own words, and returns a `QuestionScript` that a page can print and a button can copy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from secondopinion.cases.cancer_types import cancer_in_sentence
from secondopinion.providers.rules import (
    CLOSED_STATUSES,
    STEP_AGREEMENT,
    STEP_COST,
    STEP_DOCTOR,
    STEP_LOCAL,
    STEP_RECORDS,
    STEP_REPORT,
    UNKNOWN,
    YES,
    ServiceFacts,
)

DEFAULT_CANCER = "my cancer"


@dataclass(frozen=True)
class Question:
    topic: str
    text: str
    guide_step: str


@dataclass(frozen=True)
class QuestionScript:
    title: str
    opening: str
    questions: list[Question]
    closing: str

    @property
    def all_known(self) -> bool:
        return not self.questions


def _doctor(facts: ServiceFacts) -> str:
    name = facts.doctor_name.strip()
    return name if name else "the doctor"


def _named(facts: ServiceFacts) -> bool:
    return bool(facts.doctor_name.strip())


# Each question with the condition under which its answer is still unknown, in the order asked.
# `{cancer}` is the patient's cancer in their words, `{doctor}` the reviewing doctor's name.
_QUESTIONS: tuple[tuple[str, Callable[[ServiceFacts], bool], str, str], ...] = (
    (
        "doctor_name",
        lambda f: not _named(f),
        "Which doctor would review my case? Please tell me their name, where they work now, and "
        "whether they specialize in {cancer}.",
        STEP_DOCTOR,
    ),
    (
        "doctor_institution",
        lambda f: _named(f) and not f.doctor_institution.strip(),
        "Where does {doctor} work now?",
        STEP_DOCTOR,
    ),
    (
        "doctor_specialty",
        lambda f: _named(f) and not f.doctor_specialty.strip(),
        "What is {doctor}'s specialty? Do they treat many people with {cancer}?",
        STEP_DOCTOR,
    ),
    ("cost", lambda f: f.cost_amount is None, "How much would I pay myself, in total?", STEP_COST),
    (
        "includes",
        lambda f: not f.includes_known,
        "What does that price include? For example a written report, phone calls or video visits.",
        STEP_COST,
    ),
    (
        "insurance",
        lambda f: f.insurance == UNKNOWN,
        "Does insurance usually pay for all or part of it? Can I get money back afterwards?",
        STEP_COST,
    ),
    (
        "financial_help",
        lambda f: f.financial_help == UNKNOWN,
        "Do you offer financial help or scholarships?",
        STEP_COST,
    ),
    (
        "extra_charges",
        lambda f: f.extra_communication_charge == UNKNOWN,
        "Do you charge extra for calls or messages after the first meeting?",
        STEP_COST,
    ),
    (
        "local_doctor",
        lambda f: f.talks_to_local_doctor == UNKNOWN,
        "Would {doctor} talk with my local doctor if needed? Is there an extra charge for that?",
        STEP_LOCAL,
    ),
    (
        "local_doctor_charge",
        lambda f: f.talks_to_local_doctor == YES and not f.local_doctor_charge_known,
        "Is there an extra charge for talking with my local doctor?",
        STEP_LOCAL,
    ),
    (
        "records_needed",
        lambda f: not f.records_needed_known,
        "Which records do you need to review my {cancer}? For example the pathology report, the "
        "slides, scan reports or the scans themselves, and a summary from my doctor.",
        STEP_RECORDS,
    ),
    (
        "send_methods",
        lambda f: not f.send_methods_known,
        "How do I send my records to you: by upload, mail, fax, email or on a CD? "
        "Where exactly do they go?",
        STEP_RECORDS,
    ),
    (
        "turnaround",
        lambda f: f.turnaround_days is None,
        "Once you have all my records, how long until I get your answer? "
        "Is that in business days or calendar days?",
        STEP_REPORT,
    ),
    (
        "written_report",
        lambda f: f.written_report == UNKNOWN,
        "Will I get a written report? Will it sum up my case, say how you understand the "
        "diagnosis, and give your recommendations?",
        STEP_REPORT,
    ),
    (
        "call",
        lambda f: f.delivers_call == UNKNOWN,
        "Will there be a call with the doctor to go over the report?",
        STEP_REPORT,
    ),
    (
        "copy_to_local",
        lambda f: f.delivers_copy_to_local == UNKNOWN,
        "Can you send a copy of the report to my local doctor?",
        STEP_REPORT,
    ),
    (
        "agreement",
        lambda f: f.agreement_received != YES,
        "Could you send me the agreement, so I can read it before I sign or pay anything?",
        STEP_AGREEMENT,
    ),
)


def question_script(facts: ServiceFacts, *, cancer: str = "") -> QuestionScript:
    """Questions for what is still unknown about `facts`, with the patient's cancer filled in."""
    cancer = cancer_in_sentence(cancer) or DEFAULT_CANCER
    service = facts.name.strip() or "your service"
    q: list[Question] = []
    if facts.status not in CLOSED_STATUSES:
        words = {"cancer": cancer, "doctor": _doctor(facts)}
        q = [
            Question(topic, text.format(**words), step)
            for topic, unknown, text, step in _QUESTIONS
            if unknown(facts)
        ]
        q += [
            Question("agreement_terms", text, STEP_AGREEMENT)
            for text in facts.agreement_questions_to_ask
        ]
    return QuestionScript(
        title=f"Questions for {service}",
        opening=(
            f"Hello. I have {cancer} and I am looking for a second opinion from a specialist in "
            f"it, without traveling if possible. Can a specialist in {cancer} at {service} "
            "review my case remotely? I have a few questions."
        ),
        questions=q,
        closing="Thank you. Could you send me your answers in writing as well?",
    )


def script_text(script: QuestionScript) -> str:
    """Plain text for copying into an email or reading out on the phone."""
    lines = [script.title, "", script.opening, ""]
    lines += [f"{i}. {question.text}" for i, question in enumerate(script.questions, start=1)]
    if not script.questions:
        lines.append("(You already have every answer we track. Nothing left to ask.)")
    lines += ["", script.closing]
    return "\n".join(lines) + "\n"
