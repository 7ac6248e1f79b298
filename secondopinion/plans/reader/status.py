"""Is each treatment part of the plan, history, a reference point, an option, or turned down?
Decided from the cue words around each group of names. No Django here."""

from __future__ import annotations

import re

from .. import vocab
from .mentions import Mention
from .reading import ANCHOR, HISTORY, OPTION, PLAN, REFUSED
from .spans import Sentences

CHAIN_GAP = re.compile(
    r"^\s*(?:(?:and/or|and|or|plus|&|\+|/|-)\s*(?:(?!then\b|after\b|before\b|followed\b|later\b)"
    r"[A-Za-z-]+\s+)?)?(?:\([^()]{0,120}\)\s*)?$",
    re.IGNORECASE,
)


def chains(scan: str, mentions: list[Mention]) -> list[list[int]]:
    """Groups of mentions joined only by "and", "or", "plus", "/" or a comma."""
    groups: list[list[int]] = []
    for i, m in enumerate(mentions):
        if groups:
            prev = mentions[groups[-1][-1]]
            gap = scan[prev.end : m.start]
            if prev.sentence == m.sentence and len(gap) <= 130 and CHAIN_GAP.match(gap):
                groups[-1].append(i)
                continue
        groups.append([i])
    return groups


def status_mark(scan: str, mentions: list[Mention], sentences: Sentences) -> None:
    hedges: dict[tuple[int, int], bool] = {}
    options: dict[tuple[int, int], bool] = {}
    for group in chains(scan, mentions):
        head, tail = mentions[group[0]], mentions[group[-1]]
        cs, ce = head.clause
        # Cue windows stop at the neighbouring names: a cue belongs to the nearest treatment.
        prev_end = mentions[group[0] - 1].end if group[0] > 0 else 0
        next_start = mentions[group[-1] + 1].start if group[-1] + 1 < len(mentions) else len(scan)
        before = scan[max(cs, head.start - 70, prev_end) : head.start]
        tail_clause_end = tail.clause[1]
        after = scan[tail.end : min(tail_clause_end, tail.end + 90, next_start)]
        sentence_after = scan[
            tail.end : min(sentences[tail.sentence][1], tail.end + 90, next_start)
        ]
        if (cs, ce) not in options:
            s_start, s_end = sentences[head.sentence][:2]
            options[(cs, ce)] = bool(vocab.OPTION_SENTENCE.search(scan, cs, ce)) and not (
                vocab.RECOMMEND_IT.search(scan, s_start, s_end)  # "... and I recommend it"
            )
        status = PLAN
        if (
            (vocab.REFUSE_BEFORE.search(before) and not vocab.KEEP_BEFORE.search(before))
            or vocab.REFUSE_AFTER.match(after)
            or vocab.REFUSE_AFTER.match(sentence_after)
        ):
            status = REFUSED
        elif (
            vocab.HISTORY_AFTER.match(after)
            or vocab.HISTORY_BEFORE.search(before)
            or re.search(r"\b(?:removed|taken\s+out)\b", scan[head.start : tail.end], re.I)
        ):
            status = HISTORY
        elif vocab.AFTER.search(before):
            status = ANCHOR
        elif options[(cs, ce)] or vocab.OPTION_BEFORE.search(before):
            status = OPTION
        conditional = bool(
            vocab.CONDITIONAL_BEFORE.search(scan[max(cs, head.start - 50) : head.start])
            or vocab.CONDITIONAL_AFTER.match(after)
        )
        if (cs, ce) not in hedges:
            hedges[(cs, ce)] = bool(vocab.HEDGE.search(scan, cs, ce))
        hedged = hedges[(cs, ce)]
        for i in group:
            m = mentions[i]
            if m.modality == "test":
                m.status = _test_status(scan, m, status, sentences)
            else:
                m.status = status
            m.hedged = hedged or conditional
            m.conditional = conditional
            window = scan[max(m.clause[0], m.start - 45) : m.start]
            m.neo = bool(vocab.NEOADJUVANT.search(window))
            m.adj = bool(vocab.ADJUVANT.search(window)) and not m.neo


def _test_status(scan: str, m: Mention, status: str, sentences: Sentences) -> str:
    if status == REFUSED:
        return REFUSED
    after = scan[m.end : min(m.clause[1], m.end + 25)]
    before = scan[max(m.clause[0], m.start - 30) : m.start]
    if re.search(
        r"\b(?:on|by|per|from|at|in|seen\s+on|shown\s+on|after)\s+(?:the\s+|her\s+|his\s+|my\s+|a\s+|recent\s+|prior\s+|previous\s+|last\s+|staging\s+|initial\s+)*$",
        before,
        re.IGNORECASE,
    ):
        return HISTORY  # "disease on CT", "nodes seen on ultrasound": a result, not a request
    if re.match(
        r"^\s*(?:\([^)]*\)\s*)?(?:testing\s+|test\s+|scan\s+|score\s+)?(?:came\s+back|showed|shows|showing|revealed|demonstrated|confirmed|indicated|suggested|found|was\s+(?!recommended|ordered|advised)|were\s+|is\s+(?:\d|negative|positive|low|high)|of\s+\d|score\s+of|:\s*\d|\d|results?|findings|done|from\s+\w+\s+(?:ago|showed)"
        r"|[-\s]*(?:status\s+)?(?:stable|high|low|deficient|proficient|intact|negative|positive|unstable|normal|abnormal|equivocal|unremarkable|clear))",
        after,
        re.IGNORECASE,
    ):
        return HISTORY
    if status == HISTORY or re.search(
        r"\b(?:was|were|is|are|recent|prior|previous|outside|earlier)\s+(?:the\s+|her\s+|his\s+)?$",
        before,
        re.IGNORECASE,
    ):
        return HISTORY
    return PLAN
