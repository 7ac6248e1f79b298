"""Read a treatment plan written in free text into treatment components: `read_plan`.

Pure core (no Django). `read_plan(text)` finds every drug, regimen, procedure, test and other
treatment word (lexicon.py and vocab.py), decides for each whether it is part of the plan, a
treatment already given (history), a reference point ("after surgery"), or turned down ("over
lobectomy", "chemotherapy is not needed"), attaches stated durations, and orders the plan into
phases from the order words ("then", "followed by", "after X", "before X", "neoadjuvant") and
from each regimen's own sequence. Doses and schedules are detail and are ignored. Clauses that
talk about treatment but name nothing we know are returned as `unread`; nothing is guessed.

The steps, one module each: `spans` (sentences and clauses), `mentions` (what is named),
`status` (plan, history, option, refused), `durations`, `order` (phases), `components` (mentions
to components) and `unread` (what we could not read); `reading` holds the result types.
"""

from __future__ import annotations

import bisect
from dataclasses import replace

from .. import vocab
from .components import drugs_merge, explained_drop, mention_components
from .durations import durations_attach
from .mentions import lexicon_mentions, mentions_resolve, typo_mentions, vocab_mentions
from .order import phase_rank, steps_order
from .reading import ANCHOR, HISTORY, OPTION, PLAN, REFUSED, PlanReading
from .spans import TAG, all_capitals, blank, blank_scripts, clause_of, segments
from .status import status_mark
from .unread import unread_find

MAX_CHARS = 200_000  # longer text is read up to here; the rest is listed as unread


def read_plan(text: str, cancer: str | None = None) -> PlanReading:
    """Read a free-text plan into components. Never raises for bad input."""
    if not isinstance(text, str) or not text.strip():
        return PlanReading()
    unread_tail: tuple[str, ...] = ()
    if len(text) > MAX_CHARS:
        unread_tail = (f"Only the first {MAX_CHARS:,} characters were read; the rest was not.",)
    source = text[:MAX_CHARS]
    scan = TAG.sub(blank, blank_scripts(source))  # tags become spaces: offsets stay the same
    cancer = (cancer or "").strip().lower()
    capitals = all_capitals(scan)

    mentions = mentions_resolve(vocab_mentions(scan, cancer) + lexicon_mentions(scan, capitals))
    mentions = mentions_resolve(mentions + typo_mentions(scan, mentions))
    sentences, clauses = segments(scan)
    agrees = bool(vocab.AGREE_ALL.search(scan))

    # Each mention's sentence and clause.
    sent_starts = [s for s, _, _ in sentences]
    for m in mentions:
        m.sentence = max(bisect.bisect_right(sent_starts, m.start) - 1, 0)
        m.clause = clause_of(clauses, m.start)

    status_mark(scan, mentions, sentences)
    durations_attach(scan, mentions, sentences)
    steps_order(scan, mentions, sentences)

    items = [pair for m in mentions for pair in mention_components(source, m)]
    items = drugs_merge(source, scan, explained_drop(scan, items))
    ordered = sorted({step for c, step in items if c.status in (PLAN, ANCHOR)})
    placed = [replace(c, phase=phase_rank(ordered, step, c.status)) for c, step in items]
    components = [c for c in placed if c.status == PLAN]
    refused = [c for c in placed if c.status == REFUSED]
    history = [c for c in placed if c.status in (HISTORY, ANCHOR, OPTION)]
    unread = (
        unread_find(source, scan, mentions, clauses, capitals=capitals, sentences=sentences)
        + unread_tail
    )
    return PlanReading(tuple(components), tuple(unread), tuple(history), tuple(refused), agrees)
