"""The call or email script for one service: only the questions whose answers are still unknown.

Pure module: no Django. Takes the same `ServiceFacts` as the rules, plus the patient's cancer in
their own words, and returns a `QuestionScript` that a page can print and a button can copy.
"""

from __future__ import annotations

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


def question_script(facts: ServiceFacts, *, cancer: str = "") -> QuestionScript:
    """Questions for what is still unknown about `facts`, with the patient's cancer filled in."""
    cancer = cancer_in_sentence(cancer) or DEFAULT_CANCER
    service = facts.name.strip() or "your service"
    q: list[Question] = []

    def ask(topic: str, text: str, step: str) -> None:
        q.append(Question(topic, text, step))

    if facts.status not in CLOSED_STATUSES:
        if not facts.doctor_name.strip():
            ask(
                "doctor_name",
                f"Which doctor would review my case? Please tell me their name, where they work "
                f"now, and whether they specialize in {cancer}.",
                STEP_DOCTOR,
            )
        else:
            if not facts.doctor_institution.strip():
                ask("doctor_institution", f"Where does {_doctor(facts)} work now?", STEP_DOCTOR)
            if not facts.doctor_specialty.strip():
                ask(
                    "doctor_specialty",
                    f"What is {_doctor(facts)}'s specialty? Do they treat many people with {cancer}?",
                    STEP_DOCTOR,
                )
        if facts.cost_amount is None:
            ask("cost", "How much would I pay myself, in total?", STEP_COST)
        if not facts.includes_known:
            ask(
                "includes",
                "What does that price include? For example a written report, phone calls or "
                "video visits.",
                STEP_COST,
            )
        if facts.insurance == UNKNOWN:
            ask(
                "insurance",
                "Does insurance usually pay for all or part of it? Can I get money back afterwards?",
                STEP_COST,
            )
        if facts.financial_help == UNKNOWN:
            ask("financial_help", "Do you offer financial help or scholarships?", STEP_COST)
        if facts.extra_communication_charge == UNKNOWN:
            ask(
                "extra_charges",
                "Do you charge extra for calls or messages after the first meeting?",
                STEP_COST,
            )
        if facts.talks_to_local_doctor == UNKNOWN:
            ask(
                "local_doctor",
                f"Would {_doctor(facts)} talk with my local doctor if needed? "
                "Is there an extra charge for that?",
                STEP_LOCAL,
            )
        elif facts.talks_to_local_doctor == YES and not facts.local_doctor_charge_known:
            ask(
                "local_doctor_charge",
                "Is there an extra charge for talking with my local doctor?",
                STEP_LOCAL,
            )
        if not facts.records_needed_known:
            ask(
                "records_needed",
                f"Which records do you need to review my {cancer}? For example the pathology "
                "report, the slides, scan reports or the scans themselves, and a summary from my "
                "doctor.",
                STEP_RECORDS,
            )
        if not facts.send_methods_known:
            ask(
                "send_methods",
                "How do I send my records to you: by upload, mail, fax, email or on a CD? "
                "Where exactly do they go?",
                STEP_RECORDS,
            )
        if facts.turnaround_days is None:
            ask(
                "turnaround",
                "Once you have all my records, how long until I get your answer? "
                "Is that in business days or calendar days?",
                STEP_REPORT,
            )
        if facts.written_report == UNKNOWN:
            ask(
                "written_report",
                "Will I get a written report? Will it sum up my case, say how you understand the "
                "diagnosis, and give your recommendations?",
                STEP_REPORT,
            )
        if facts.delivers_call == UNKNOWN:
            ask("call", "Will there be a call with the doctor to go over the report?", STEP_REPORT)
        if facts.delivers_copy_to_local == UNKNOWN:
            ask(
                "copy_to_local",
                "Can you send a copy of the report to my local doctor?",
                STEP_REPORT,
            )
        if facts.agreement_received != YES:
            ask(
                "agreement",
                "Could you send me the agreement, so I can read it before I sign or pay anything?",
                STEP_AGREEMENT,
            )

    if facts.status not in CLOSED_STATUSES:
        for text in facts.agreement_questions_to_ask:
            ask("agreement_terms", text, STEP_AGREEMENT)

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
