"""The journey dashboard: each stage's status, derived from what the case holds.

Nothing here is a tick-box the patient must remember: every status is computed from data. Each app
that owns a stage adds a `stages(case, today)` function in its own `journey.py` and registers it
in STAGE_SOURCES from its `AppConfig.ready()` (see core/registry.py). The first stage that is not done supplies the single suggested next step.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse

from secondopinion.core.registry import Registry

DONE, STARTED, TODO, ATTENTION = "done", "started", "todo", "attention"
STATUS_WORDS = {
    DONE: "Done",
    STARTED: "Started",
    TODO: "Not started",
    ATTENTION: "Needs attention",
}


@dataclass
class Stage:
    key: str
    title: str
    status: str
    summary: str
    action_label: str = ""
    action_url: str = ""
    order: int = 0
    notes: list[str] = field(default_factory=list)
    # Milestones reached ("Opinion received: May 3, 2026"), shown when the journey is done.
    dates: list[str] = field(default_factory=list)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]

    @property
    def is_done(self) -> bool:
        return self.status == DONE


@dataclass
class Journey:
    stages: list[Stage]
    days_left: int | None

    @property
    def dates(self) -> list[str]:
        return [d for stage in self.stages for d in stage.dates]

    @property
    def next_stage(self) -> Stage | None:
        """The single suggested next step.

        Once the case has been sent or an opinion has arrived (a stage from SENT_ORDER on is
        done), the next step comes after the furthest done stage: a warning left on an earlier
        stage (a service the patient has moved on from) no longer leads the page.
        """
        late = [s.order for s in self.stages if s.is_done and s.order >= SENT_ORDER]
        if late:
            after = [s for s in self.stages if s.order > max(late) and not s.is_done]
            urgent = [s for s in after if s.status == ATTENTION]
            return next(iter(urgent or after), None)
        for stage in self.stages:
            if stage.status == ATTENTION:
                return stage
        for stage in self.stages:
            if not stage.is_done:
                return stage
        return None


# The "send your case" stage (opinions app): from there on the journey only moves forward.
SENT_ORDER = 60

# `(case, today) -> list[Stage]` functions, registered by each app's ready(); sorted by order.
STAGE_SOURCES: Registry[Callable[[Any, datetime.date], list[Stage]]] = Registry(
    "journey stage sources"
)


def _timeline_stage(case, today: datetime.date) -> Stage:
    url = reverse("cases:timeline", args=[case.public_id])
    title = "Check how long treatment can wait"
    if case.safe_to_wait_until:
        days = case.days_left_from(today)
        if days is not None and days < 0:
            return Stage(
                "timeline",
                title,
                ATTENTION,
                f"The safe-to-wait date passed {-days} days ago. Talk with your doctor.",
                "Update the date",
                url,
                10,
            )
        return Stage(
            "timeline",
            title,
            DONE,
            f"Your doctor says it is safe to wait until {case.safe_to_wait_until:%B %-d, %Y}.",
            "See the timeline",
            url,
            10,
        )
    if case.doctor_answer == "should_not_wait":
        return Stage(
            "timeline",
            title,
            ATTENTION,
            "Your doctor said not to wait. Ask how a second opinion can fit without delay.",
            "See the timeline",
            url,
            10,
        )
    if case.asked_doctor == "asked":
        return Stage(
            "timeline",
            title,
            STARTED,
            "You asked your doctor. Record the answer and the safe date when you hear.",
            "Record the answer",
            url,
            10,
        )
    if case.asked_doctor == "answered":
        return Stage(
            "timeline",
            title,
            STARTED,
            "You have an answer. Add the last safe date, so we can plan around it.",
            "Add the safe date",
            url,
            10,
        )
    return Stage(
        "timeline",
        title,
        TODO,
        "Ask your doctor whether treatment can safely wait a few weeks. We drafted the "
        "message for you.",
        "Ask your doctor",
        url,
        10,
    )


def _goals_stage(case) -> Stage:
    url = reverse("cases:goals", args=[case.public_id])
    title = "Write down your goals"
    if case.has_goals and case.outcomes_read:
        return Stage(
            "goals", title, DONE, "Your goals are written down.", "See your goals", url, 20
        )
    if case.has_goals or case.outcomes_read:
        return Stage(
            "goals",
            title,
            STARTED,
            "Finish your goals and read what a second opinion can tell you.",
            "Finish your goals",
            url,
            20,
        )
    return Stage(
        "goals",
        title,
        TODO,
        "Write what you want from treatment and from daily life, before any opinion arrives.",
        "Write your goals",
        url,
        20,
    )


def case_stages(case, today: datetime.date) -> list[Stage]:
    return [_timeline_stage(case, today), _goals_stage(case)]


def journey_for(case, today: datetime.date) -> Journey:
    stages: list[Stage] = []
    for source in STAGE_SOURCES:
        stages.extend(source(case, today))
    stages.sort(key=lambda s: s.order)
    return Journey(stages=stages, days_left=case.days_left_from(today))
