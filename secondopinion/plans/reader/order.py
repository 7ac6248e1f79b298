"""The plan's order: phase steps from "then", "after X", "before X", "first", "neoadjuvant" and
each regimen's own sequence. No Django here."""

from __future__ import annotations

import bisect
import math
import re

from .. import vocab
from .mentions import Mention
from .reading import ANCHOR, HISTORY, PLAN
from .spans import Sentences
from .status import CHAIN_GAP

FIRST_AFTER = re.compile(r"[\s,]*(?:\([^)]*\)\s*)?(?:[a-z]+\s+){0,3}?first\b(?![- ]line)", re.I)
NEXT_NOT_ORDER = re.compile(
    r"next\s+(?:week|month|year|visit|appointment|few|time|scan|step\s+is\s+to\s+decide)",
    re.IGNORECASE,
)


def steps_order(scan: str, mentions: list[Mention], sentences: Sentences) -> None:
    cur = 1.0
    maxstep = 1.0
    seen_any = False
    last_end_in_sentence: dict[int, int] = {}
    prev_sentence = -1
    advance = False  # the previous treatment was said to come "first"
    for index, m in enumerate(mentions):
        new_sentence = m.sentence != prev_sentence
        if new_sentence:
            if sentences[m.sentence][2] and seen_any:
                cur = math.floor(maxstep) + 1
            prev_sentence = m.sentence
            gap_start = sentences[m.sentence][0]
        else:
            gap_start = last_end_in_sentence[m.sentence]
        gap = scan[gap_start : m.start]
        if any(
            not NEXT_NOT_ORDER.match(scan, cue.start(), min(len(scan), cue.start() + 40))
            for cue in vocab.THEN.finditer(gap)
        ) or (advance and (new_sentence or not CHAIN_GAP.match(gap))):
            cur = math.floor(maxstep) + 1
        following = mentions[index + 1].start if index + 1 < len(mentions) else len(scan)
        advance = bool(FIRST_AFTER.match(scan[m.end : min(following, m.end + 40)]))
        last_end_in_sentence[m.sentence] = m.end
        before = scan[max(m.clause[0], m.start - 40) : m.start]
        m.step = _step(m, before, cur=cur, maxstep=maxstep, seen_any=seen_any)
        n_phases = max(len(m.regimen_phases), 1)
        m.steps = [m.step + k for k in range(n_phases)]
        if m.status != HISTORY:
            maxstep = max(maxstep, m.steps[-1])
        seen_any = True
    _around_surgery(mentions)


def phase_rank(ordered: list[float], step: float, status: str) -> int:
    """Phase 1, 2, ... from the plan's own steps (history counts as phase 1)."""
    if status == HISTORY or not ordered:
        return 1
    return max(bisect.bisect_right(ordered, step), 1)


def _step(m: Mention, before: str, *, cur: float, maxstep: float, seen_any: bool) -> float:
    if m.status == HISTORY:
        return 0.0
    if m.status == ANCHOR:
        return cur - 0.5
    if vocab.BEFORE.search(before) and seen_any:
        return maxstep + 0.5
    return cur


def _around_surgery(mentions: list[Mention]) -> None:
    """Treatment before surgery (neoadjuvant) goes ahead of it, treatment after it behind."""
    surgery = [m.step for m in mentions if m.modality == "surgery" and m.status in (PLAN, ANCHOR)]
    if surgery:
        first_surgery, last_surgery = min(surgery), max(surgery)
        for m in mentions:
            if m.modality in ("surgery", "test"):
                continue
            if m.neo and m.step >= first_surgery:
                shift = first_surgery - 0.25 - m.step
                m.steps = [s + shift for s in m.steps]
                m.step = m.steps[0]
            elif m.adj and m.step <= last_surgery and m.status == PLAN:
                shift = last_surgery + 0.25 - m.step
                m.steps = [s + shift for s in m.steps]
                m.step = m.steps[0]
