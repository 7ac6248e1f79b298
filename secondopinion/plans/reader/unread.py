"""What a plan says about treatment that we could not read: clauses naming nothing we know, and
unknown treatment acronyms. Listed, never guessed. No Django here."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from .. import vocab
from .mentions import Mention
from .spans import TAG, Sentences


def _citation(scan: str, start: int, end: int) -> bool:
    """A capitalised name inside short brackets, such as "(CheckMate 816)" or "(RUBY)"."""
    open_at = scan.rfind("(", max(0, start - 30), start)
    close_at = scan.find(")", end, end + 30)
    if open_at < 0 or close_at < 0:
        return False
    inside = scan[open_at + 1 : close_at]
    return ")" not in scan[open_at + 1 : start] and "(" not in inside and len(inside) <= 40


NOT_A_NAME = re.compile(
    r"[pcy]?(?:[TNM][0-4x][a-d]?(?:mi|is)?){1,3}|[A-Z]\d{2,4}[A-Z*]|[A-Z]{1,2}\d{1,3}|exon\d*", re.I
)
NOTHING_PLANNED = re.compile(
    r"\bno\s+(?:further|other|additional|more|adjuvant)?\s*(?:treatment|therapy|tx)\b", re.I
)


class _Covered:
    """The spans of the treatments found, for "is one here?" questions."""

    def __init__(self, mentions: Sequence[Mention]) -> None:
        self.covered = [(m.start, m.end) for m in mentions]
        self.starts = [s for s, _ in self.covered]

    def has(self, s: int, e: int) -> bool:
        i = bisect.bisect_left(self.starts, s)
        return i < len(self.starts) and self.starts[i] < e

    def inside(self, s: int, e: int) -> bool:
        i = bisect.bisect_right(self.starts, s) - 1
        return i >= 0 and self.covered[i][0] <= s and e <= self.covered[i][1]


def _not_a_name(scan: str, covered: _Covered, word: str, ts: int, te: int) -> bool:
    """Whether a capitalised word is surely no treatment name (a stage, a variant, a citation)."""
    if covered.inside(ts, te) or word in vocab.NOT_TREATMENT_ACRONYMS:
        return True
    core = re.sub(r"[-/]\w*$", "", word)
    if core in vocab.NOT_TREATMENT_ACRONYMS or len(re.sub(r"[^A-Za-z]", "", word)) < 2:
        return True
    # A capitalised name in brackets after a treatment is a trial being cited.
    if _citation(scan, ts, te) and not covered.has(ts, te):
        return True
    if sum(c.isupper() for c in word) < 2 and not any(c.isdigit() for c in word):
        return True
    # a stage (N1a), a variant (L858R), or a trial being cited
    return bool(
        NOT_A_NAME.fullmatch(word)
        or re.match(r"[\s\w-]{0,15}\b(?:trial|study)\b", scan[te : te + 25], re.I)
    )


def _unknown_acronyms(source: str, scan: str, covered: _Covered, s: int, e: int) -> list[str]:
    out = []
    for tok in vocab.UPPER_TOKEN.finditer(scan[s:e]):
        word = tok.group()
        ts, te = s + tok.start(), s + tok.end()
        if _not_a_name(scan, covered, word, ts, te):
            continue
        near = scan[max(0, ts - 40) : te + 40]
        if (
            covered.has(max(s, ts - 25), min(e, te + 25))
            or vocab.TREATMENT_WORDS.search(near)
            or re.search(r"\bplan\b|\bstart", near, re.I)
        ):
            out.append(source[ts:te])
    return out


def unread_find(
    source: str,
    scan: str,
    mentions: Sequence[Mention],
    clauses: Sequence[tuple[int, int]],
    *,
    capitals: bool,
    sentences: Sentences = (),
) -> tuple[str, ...]:
    """Clauses about treatment that name nothing we know, and unknown treatment acronyms."""
    out: list[str] = []
    covered = _Covered(mentions)
    for s, e in clauses:
        if scan[s:e].strip() and not capitals:
            out.extend(_unknown_acronyms(source, scan, covered, s, e))
    for s, e, _numbered in sentences:
        piece = scan[s:e]
        if covered.has(s, e) or not piece.strip():
            continue
        if (
            vocab.TREATMENT_WORDS.search(piece)
            and not vocab.AGREE_ALL.search(piece)
            and not NOTHING_PLANNED.search(piece)
        ):
            text = source[s:e].strip()
            if text and len(text) <= 300:
                out.append(re.sub(r"\s+", " ", TAG.sub(" ", text)).strip())
            elif text:
                out.append(re.sub(r"\s+", " ", TAG.sub(" ", text[:300])).strip() + "…")
    seen = set()
    unique = []
    for item in out:
        if item and item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return tuple(unique[:50])
