"""Compare the first plan with each opinion, in plain words, and draft questions from it.

Pure core: no Django. Input is plain text the patient (or the reviewer) entered; we do not
interpret medicine. We only notice where the written words differ: the overall stance, the
diagnosis as written, recommendations one side has and the other does not, tests and trials
mentioned. Each difference becomes a short sentence and one or two draft questions the patient
may edit. Matching is deliberately forgiving (case, punctuation, word order) so the same
advice written two ways is not flagged; when in doubt we flag, because a question too many costs
less than a difference missed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

CONFIRMS = "confirms"
PROPOSES_OTHER = "proposes_other"
UNCLEAR = "unclear"

REVIEWER = "reviewer"  # ask the reviewing doctor on the call
LOCAL = "local"  # ask the local cancer doctor


@dataclass(frozen=True)
class Plan:
    """The first opinion: what the treating doctor said."""

    diagnosis: str = ""
    summary: str = ""
    recommendations: Sequence[str] = ()
    tests: Sequence[str] = ()


@dataclass(frozen=True)
class OpinionView:
    label: str  # who: "Dr. Lee, Lakeside Cancer Center"
    stance: str = UNCLEAR  # CONFIRMS, PROPOSES_OTHER or UNCLEAR
    diagnosis: str = ""
    recommendations: Sequence[str] = ()
    tests: Sequence[str] = ()
    trials: Sequence[str] = ()


@dataclass(frozen=True)
class DraftQuestion:
    text: str
    ask: str  # REVIEWER or LOCAL


@dataclass(frozen=True)
class Difference:
    topic: str  # "stance", "diagnosis", "added", "left_out", "test", "trial", "between"
    opinion: str
    text: str
    questions: tuple[DraftQuestion, ...] = ()


@dataclass(frozen=True)
class Cell:
    text: str
    differs: bool = False


@dataclass(frozen=True)
class Row:
    label: str
    first: Cell
    opinions: tuple[Cell, ...]


@dataclass
class Comparison:
    rows: list[Row] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)

    @property
    def questions(self) -> list[DraftQuestion]:
        seen, out = set(), []
        for diff in self.differences:
            for q in diff.questions:
                if q.text not in seen:
                    seen.add(q.text)
                    out.append(q)
        return out


_WORD = re.compile(r"[^\w]+")


def _words(text: str) -> set[str]:
    return {w for w in _WORD.split(text.casefold()) if w}


_NEGATIONS = {"no", "not", "without", "avoid", "skip", "stop", "instead", "never", "don", "dont"}


def same(a: str, b: str) -> bool:
    """True when two short texts say the same thing as far as their words go.

    A negation on one side only ("surgery" vs "no surgery") always counts as different.
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return not wa and not wb
    if bool(wa & _NEGATIONS) != bool(wb & _NEGATIONS):
        return False
    return wa == wb or len(wa & wb) / len(wa | wb) >= 0.75


def _within(item: str, text: str) -> bool:
    """The item's words all appear in a longer text (e.g. the plan summary)."""
    wi, wt = _words(item), _words(text)
    return bool(wi) and wi <= wt and bool(wi & _NEGATIONS) == bool(wt & _NEGATIONS)


def _missing(items: Sequence[str], others: Sequence[str], summary: str = "") -> list[str]:
    return [
        item
        for item in items
        if item.strip() and not any(same(item, o) for o in others) and not _within(item, summary)
    ]


STANCE_WORDS = {
    CONFIRMS: "Agrees with the first plan",
    PROPOSES_OTHER: "Proposes a different plan",
    UNCLEAR: "Not clear yet",
}


def _list(items: Sequence[str]) -> str:
    return "; ".join(i for i in items if i.strip()) or "None written down"


def opinion_differences(
    first: Plan, opinion: OpinionView, goals: Sequence[str] = ()
) -> list[Difference]:
    """Differences between the first plan and one opinion, each with draft questions."""
    who = opinion.label
    diffs: list[Difference] = []
    if opinion.stance == PROPOSES_OTHER:
        questions = [
            DraftQuestion(
                "What makes you suggest a different plan from my first doctor's?", REVIEWER
            ),
            DraftQuestion(f"{who} suggests a different plan. What do you think of it?", LOCAL),
        ]
        questions += [
            DraftQuestion(f"How would your plan affect this goal of mine: {g.strip()}?", REVIEWER)
            for g in goals[:2]
        ]
        diffs.append(
            Difference(
                "stance",
                who,
                f"{who} proposes a different plan from your first one.",
                tuple(questions),
            )
        )
    elif opinion.stance == UNCLEAR:
        diffs.append(
            Difference(
                "stance",
                who,
                f"It is not clear yet whether {who} agrees with your first plan.",
                (DraftQuestion("Do you agree with the plan my first doctor offered?", REVIEWER),),
            )
        )
    if (
        opinion.diagnosis.strip()
        and first.diagnosis.strip()
        and not same(opinion.diagnosis, first.diagnosis)
    ):
        diffs.append(
            Difference(
                "diagnosis",
                who,
                f"{who} describes the diagnosis as “{opinion.diagnosis.strip()}”. "
                f"Your first doctor wrote “{first.diagnosis.strip()}”.",
                (
                    DraftQuestion(
                        f"Why do you describe my diagnosis as “{opinion.diagnosis.strip()}”?",
                        REVIEWER,
                    ),
                    DraftQuestion(
                        "The two doctors describe my diagnosis differently. Which is right, and does it change my treatment?",
                        LOCAL,
                    ),
                ),
            )
        )
    for item in _missing(opinion.recommendations, first.recommendations, first.summary):
        diffs.append(
            Difference(
                "added",
                who,
                f"{who} recommends something your first plan does not include: {item.strip()}.",
                (
                    DraftQuestion(
                        f"Why do you recommend this: {item.strip()}? What would it add for me?",
                        REVIEWER,
                    ),
                    DraftQuestion(
                        f"The second opinion recommends: {item.strip()}. Could we do that here?",
                        LOCAL,
                    ),
                ),
            )
        )
    if opinion.recommendations:
        for item in _missing(first.recommendations, opinion.recommendations):
            diffs.append(
                Difference(
                    "left_out",
                    who,
                    f"{who} does not mention this part of your first plan: {item.strip()}.",
                    (
                        DraftQuestion(
                            f"My first plan includes {item.strip()}. Do you think I need it?",
                            REVIEWER,
                        ),
                    ),
                )
            )
    for test in _missing(opinion.tests, first.tests):
        diffs.append(
            Difference(
                "test",
                who,
                f"{who} suggests a test: {test.strip()}.",
                (
                    DraftQuestion(
                        f"What would the test ({test.strip()}) tell us, and could it change my plan?",
                        REVIEWER,
                    ),
                    DraftQuestion(f"Can I have this test here: {test.strip()}?", LOCAL),
                ),
            )
        )
    for trial in opinion.trials:
        if trial.strip():
            diffs.append(
                Difference(
                    "trial",
                    who,
                    f"{who} mentions a clinical trial (a research study of a treatment): {trial.strip()}.",
                    (
                        DraftQuestion(
                            f"Why might this trial suit me ({trial.strip()}), and where is it run?",
                            REVIEWER,
                        ),
                        DraftQuestion(
                            f"Could you help me find out if I can join this trial: {trial.strip()}?",
                            LOCAL,
                        ),
                    ),
                )
            )
    return diffs


def compare(first: Plan, opinions: Sequence[OpinionView], goals: Sequence[str] = ()) -> Comparison:
    """Side-by-side rows and all differences, for any number of opinions."""
    result = Comparison()
    for opinion in opinions:
        result.differences += opinion_differences(first, opinion, goals)
    stances = {o.stance for o in opinions if o.stance != UNCLEAR}
    if len(stances) > 1:
        agree = [o.label for o in opinions if o.stance == CONFIRMS]
        differ = [o.label for o in opinions if o.stance == PROPOSES_OTHER]
        result.differences.append(
            Difference(
                "between",
                "",
                f"The opinions do not agree with each other: {', '.join(agree)} agree(s) with the first plan, "
                f"{', '.join(differ)} propose(s) another.",
                (
                    DraftQuestion(
                        "The opinions I received disagree. How would you weigh them?", LOCAL
                    ),
                ),
            )
        )
    result.rows = [
        Row(
            "Overall",
            Cell(first.summary or "Not written down"),
            tuple(
                Cell(STANCE_WORDS.get(o.stance, o.stance), o.stance != CONFIRMS) for o in opinions
            ),
        ),
        Row(
            "Diagnosis",
            Cell(first.diagnosis or "Not written down"),
            tuple(
                Cell(
                    o.diagnosis or "Not written down",
                    bool(
                        o.diagnosis.strip()
                        and first.diagnosis.strip()
                        and not same(o.diagnosis, first.diagnosis)
                    ),
                )
                for o in opinions
            ),
        ),
        Row(
            "Recommendations",
            Cell(_list(first.recommendations)),
            tuple(
                Cell(
                    _list(o.recommendations),
                    bool(_missing(o.recommendations, first.recommendations, first.summary)),
                )
                for o in opinions
            ),
        ),
        Row(
            "Tests suggested",
            Cell(_list(first.tests)),
            tuple(Cell(_list(o.tests), bool(_missing(o.tests, first.tests))) for o in opinions),
        ),
        Row(
            "Clinical trials mentioned",
            Cell("—"),
            tuple(Cell(_list(o.trials), any(t.strip() for t in o.trials)) for o in opinions),
        ),
        Row("Your goals", Cell(_list(goals)), tuple(Cell("") for _ in opinions)),
    ]
    return result


# Prompts to help the patient decide. Questions to think about, not advice.
DECISION_PROMPTS: tuple[str, ...] = (
    "Which option fits best with the goals you wrote down before any opinion arrived?",
    "Which doctor do you feel most at ease with? Who answered your questions fully and kindly?",
    "Is there a question you still need answered before you can choose?",
    "Once you have asked everything, what does your instinct tell you?",
)
