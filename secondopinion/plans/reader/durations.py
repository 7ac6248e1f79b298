"""Stated lengths ("6 months of ADT", "radiation for 5 weeks") attached to their treatment.
No Django here."""

from __future__ import annotations

import bisect
import re

from .. import vocab
from .mentions import Mention
from .spans import Sentences
from .status import chains

FILLER = re.compile(
    r"^(?:[\s,]|\d[\d.,/%]*(?:mg|g|mcg|mg/m2|gy)?|mg(?:/m2)?|mcg|gy|units?|daily|weekly|monthly|"
    r"once|twice|a|an|per|day|orally|by|mouth|po|iv|sc|shots?|pills?|tablets?|injections?|"
    r"infusions?|every|weeks?|months?|q\d+w?|alone|maintenance|therapy|treatment|adjuvant|"
    r"consolidation|continued|extended|total|the|washes|instillations?|treatments?|"
    r"intravesical|oral|dose|doses|cycles?|induction|then|followed|by|course|phase|and|"
    r"\(|\)|x|×|-)*$",
    re.IGNORECASE,
)
AFTER_LINK = re.compile(
    r"(?:for|x|×|to\s+complete|to\s+finish|to\s+a\s+total\s+of|to|for\s+a\s+total\s+of|a\s+total\s+of|"
    r"total(?:\s+of)?|in\s+total|over|until|through|lasting|after)?\s*(?:about|around|approximately|"
    r"~|a\s+total\s+of|up\s+to|another|a\s+further)?\s*$",
    re.IGNORECASE,
)


def _months(amount: re.Match[str]) -> float | None:
    def num(value: str | None) -> float | None:
        if value is None:
            return None
        value = value.lower()
        if value in vocab.NUMBER_WORDS:
            return float(vocab.NUMBER_WORDS[value])
        try:
            return float(value)
        except ValueError:
            return None

    n = num(amount.group("n2")) or num(amount.group("n"))
    if n is None:
        return None
    unit = amount.group("unit").lower()
    if unit.startswith("y"):
        return round(n * 12, 1)
    if unit.startswith("m"):
        return round(n, 1)
    if unit.startswith("w"):
        return round(n * 12 / 52, 1)
    return None  # days are schedule detail


def _durations(scan: str, clause: tuple[int, int]) -> list[tuple[int, int, float]]:
    out = []
    s, e = clause
    for m in vocab.AMOUNT.finditer(scan, s, e):
        before = scan[max(s, m.start() - 14) : m.start()]
        after = scan[m.end() : min(e, m.end() + 20)]
        if vocab.SCHEDULE_BEFORE.search(before) or vocab.SCHEDULE_AFTER.search(after):
            continue
        if re.match(r"^[\s-]*old\b", after, re.IGNORECASE):
            continue
        months = _months(m)
        if months:
            out.append((m.start(), m.end(), months))
    return out


def durations_attach(scan: str, mentions: list[Mention], sentences: Sentences) -> None:
    """A stated length goes to the treatment it is written against, within one sentence."""
    by_clause: dict[tuple[int, int], list[Mention]] = {}
    for m in mentions:
        by_clause.setdefault(sentences[m.sentence][:2], []).append(m)
    groups = chains(scan, mentions)
    group_of = {}
    for g in groups:
        members = [mentions[k] for k in g]
        for m in members:
            group_of[id(m)] = members
    for clause, items in by_clause.items():
        starts = [m.start for m in items]
        for ds, de, months in _durations(scan, clause):
            target = _duration_before(scan, items, starts, de) or _duration_after(
                scan, items, starts, clause=clause, ds=ds, de=de
            )
            if target is None:
                continue
            for m in group_of.get(id(target), [target]):
                if m.sentence == target.sentence:
                    m.duration = max(m.duration or 0, months)


def _duration_before(scan: str, items: list[Mention], starts: list[int], de: int) -> Mention | None:
    """The treatment a length is written in front of: "6 months of ADT", "7 weeks of radiation"."""
    k = bisect.bisect_left(starts, de)
    if k >= len(items):
        return None
    nxt = items[k]
    gap = scan[de : nxt.start]
    if len(gap) <= 40 and re.fullmatch(
        r"[\s-]*(?:(?:of|course\s+of|total\s+of)\s+)?(?:(?:adjuvant|long-term|short-term|extended|more|additional|further|maintenance|consolidation|the|oral|weekly)\s+)*",
        gap,
        re.IGNORECASE,
    ):
        return nxt
    return None


def _duration_after(
    scan: str,
    items: list[Mention],
    starts: list[int],
    *,
    clause: tuple[int, int],
    ds: int,
    de: int,
) -> Mention | None:
    """The treatment a length is written after: "ADT for 6 months"."""
    k = bisect.bisect_left(starts, ds) - 1
    while k >= 0 and items[k].end > ds:
        k -= 1
    if k < 0:
        return None
    prv = items[k]
    gap = scan[prv.end : ds]
    tail = scan[de : min(clause[1], de + 15)]
    link = AFTER_LINK.search(gap)
    body = gap[: link.start()] if link else gap
    uses_after = link and re.search(r"after\s*$", link.group(), re.IGNORECASE)
    if (
        len(gap) <= 70
        and FILLER.match(body.replace("(", " ").replace(")", " "))
        and (not uses_after or re.match(r"^\s*(?:in\s+)?total|overall", tail, re.I))
    ):
        return prv
    return None
