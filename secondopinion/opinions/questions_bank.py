"""The question bank: questions a patient may want to ask, written by the team.

Pure core: no Django. Three groups, one per moment in the journey. Each question has a stable
key (so a patient's picks survive wording changes), the question itself, and a short line on
why it can matter. None of this is medical advice: these are questions, not answers.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVICE = "service"
REVIEWER = "reviewer"
LOCAL = "local"

GROUPS: dict[str, str] = {
    SERVICE: "Before you choose a second-opinion service",
    REVIEWER: "On the call with the reviewing doctor",
    LOCAL: "For your local cancer doctor afterwards",
}


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    text: str
    why: str = ""


BANK: tuple[Question, ...] = (
    # Before choosing a service
    Question(
        "svc-who",
        SERVICE,
        "Who will review my case? Can you tell me the doctor's name and where they work?",
        "A real service names the doctor. If they will not, think twice.",
    ),
    Question(
        "svc-specialty",
        SERVICE,
        "Does this doctor mostly treat my kind of cancer?",
        "A specialist in your cancer type sees more cases like yours.",
    ),
    Question(
        "svc-cost",
        SERVICE,
        "What is the total cost, and what does that price include?",
        "Ask about extra fees, for example for reading scans or a second call.",
    ),
    Question(
        "svc-insurance", SERVICE, "Will my insurance pay for any of it? Is there financial help?"
    ),
    Question(
        "svc-records",
        SERVICE,
        "Which records do you need from me, and how should I send them?",
        "Some services want the scan images themselves, not only the reports.",
    ),
    Question(
        "svc-slides",
        SERVICE,
        "Will your pathologist look at my tissue slides again?",
        "A pathologist is the doctor who studies tissue under a microscope.",
    ),
    Question(
        "svc-time",
        SERVICE,
        "How long from when you have my records to when I get the report?",
        "Compare this with the date your doctor said treatment can safely wait until.",
    ),
    Question(
        "svc-report",
        SERVICE,
        "Will I get a written report I can keep and share?",
        "A written report is the mark of a careful service.",
    ),
    Question("svc-call", SERVICE, "Can I talk with the reviewing doctor by phone or video?"),
    Question(
        "svc-local", SERVICE, "Will the reviewing doctor speak with my local doctor if needed?"
    ),
    Question(
        "svc-privacy", SERVICE, "Who else will see my records, and how do you keep them private?"
    ),
    # On the call with the reviewing doctor
    Question(
        "rev-diagnosis",
        REVIEWER,
        "Do you agree with my diagnosis, including the type and stage?",
        "Stage means how far the cancer has grown or spread.",
    ),
    Question(
        "rev-plan", REVIEWER, "Do you agree with the treatment plan I was offered? If not, why not?"
    ),
    Question(
        "rev-options", REVIEWER, "What other treatment choices are there for someone like me?"
    ),
    Question("rev-goals", REVIEWER, "How does each choice fit with what matters most to me?"),
    Question(
        "rev-side-effects",
        REVIEWER,
        "What side effects should I expect from each choice, short and long term?",
    ),
    Question(
        "rev-tests",
        REVIEWER,
        "Are there tests I should have before I start treatment?",
        "For example, tests on the tumor's genes or extra scans.",
    ),
    Question(
        "rev-trials",
        REVIEWER,
        "Is there a clinical trial that might fit me?",
        "A clinical trial is a research study that tests a new treatment.",
    ),
    Question(
        "rev-timing",
        REVIEWER,
        "Is it safe to wait a little longer before starting, or should I start soon?",
    ),
    Question("rev-where", REVIEWER, "Can this treatment be given near my home?"),
    Question("rev-unsure", REVIEWER, "Was anything in my records unclear or missing?"),
    Question(
        "rev-contact",
        REVIEWER,
        "If I have a question after reading your report, how do I reach you?",
    ),
    # For the local oncologist afterwards
    Question("loc-read", LOCAL, "Have you had a chance to read the second opinion report?"),
    Question("loc-agree", LOCAL, "Where do you agree with the second doctor, and where not?"),
    Question("loc-change", LOCAL, "Would you change my plan because of it? Why or why not?"),
    Question("loc-tests", LOCAL, "The report suggests some tests. Can we do them here?"),
    Question(
        "loc-trial", LOCAL, "A trial was mentioned. Can you help me find out if I can join it?"
    ),
    Question("loc-talk", LOCAL, "Would you be willing to talk with the reviewing doctor?"),
    Question("loc-next", LOCAL, "What are the next steps, and by when?"),
    Question("loc-who", LOCAL, "Who should I call if I have questions while we decide?"),
)


def bank_by_group() -> dict[str, list[Question]]:
    """Questions grouped in journey order."""
    return {group: [q for q in BANK if q.group == group] for group in GROUPS}


def bank_get(key: str) -> Question | None:
    return next((q for q in BANK if q.key == key), None)
