"""The text of a plan cut into sentences and clauses, with markup blanked. No Django here.

Offsets always stay those of the original text: tags and scripts become spaces of the same length.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence

TAG = re.compile(r"<[^<>]{0,500}>|&(?:[a-z]{2,8}|#\d{1,6});", re.IGNORECASE)
LIST_MARK = re.compile(r"(?m)^[ \t]*(?:(?P<num>\(?\d{1,2}[.)])|[-*•·‣▪]|[a-z][.)])[ \t]+")
SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bapprox)(?<!\bno)[.!?](?=\s|$)|;|\n"
)
CLAUSE_END = re.compile(
    r",|:|\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b|\bunless\b", re.IGNORECASE
)


def blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def blank_scripts(text: str) -> str:
    """Blank the insides of <script> and <style> blocks (linear: plain string search)."""
    lower = text.lower()
    if "<script" not in lower and "<style" not in lower:
        return text
    parts, pos = [], 0
    while True:
        starts = [i for i in (lower.find("<script", pos), lower.find("<style", pos)) if i >= 0]
        if not starts:
            break
        start = min(starts)
        tag = "</script" if lower.startswith("<script", start) else "</style"
        end = lower.find(tag, start)
        end = len(text) if end < 0 else end
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def all_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12:
        return bool(letters) and all(c.isupper() for c in letters) and len(letters) > 3
    return sum(c.islower() for c in letters) / len(letters) < 0.1


class _End:
    """A sentence end: a match of SENTENCE_END, or an inline list number ("2) surgery")."""

    def __init__(self, start: int, end: int, text: str) -> None:
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text


# Sentences: (start, end, whether it is a numbered list item).


# Sentences: (start, end, whether it is a numbered list item).
Sentences = Sequence[tuple[int, int, bool]]

INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})\)\s+(?=[A-Za-z])")


def segments(scan: str) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int]]]:
    """Sentences (start, end, is numbered list item) and clauses (start, end)."""
    sentences: list[tuple[int, int, bool]] = []
    numbered_starts = {m.start("num") for m in LIST_MARK.finditer(scan) if m.group("num")}
    inline = {m.start(): m.group(1) for m in INLINE_NUMBER.finditer(scan)}
    inline_breaks = set(inline) if {"1", "2"} <= set(inline.values()) else set()
    numbered_starts |= inline_breaks
    bullet_ends = {m.end(): bool(m.group("num")) for m in LIST_MARK.finditer(scan)}
    pos = 0
    ends = sorted(
        [(m.start(), m.end(), m.group()) for m in SENTENCE_END.finditer(scan)]
        + [(b, b, "") for b in inline_breaks]
    )
    for m in (_End(*e) for e in ends):
        # a decimal point ("2.5 mg") or a list number ("1.") is not a sentence end
        if m.group() == "." and m.start() > 0 and scan[m.start() - 1].isdigit():
            line_start = scan.rfind("\n", 0, m.start()) + 1
            if m.start() + 1 < len(scan) and scan[m.start() + 1].isdigit():
                continue
            if scan[line_start : m.start()].strip().isdigit():
                continue
        end = m.end()
        if end > pos:
            sentences.append((pos, end, False))
        pos = end
    if pos < len(scan):
        sentences.append((pos, len(scan), False))
    marked = []
    for s, e, _ in sentences:
        stripped = s + (len(scan[s:e]) - len(scan[s:e].lstrip()))
        numbered = any(s <= n <= stripped + 1 for n in numbered_starts) or any(
            bullet_ends.get(k) for k in range(s, min(e, stripped + 6))
        )
        marked.append((s, e, numbered))
    clauses: list[tuple[int, int]] = []
    for s, e, _ in marked:
        cpos = s
        for cut in CLAUSE_END.finditer(scan, s, e):
            clauses.append((cpos, cut.start()))
            cpos = cut.end()
        clauses.append((cpos, e))
    return marked, clauses


def clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(clauses, (pos, math.inf)) - 1
    return clauses[max(i, 0)] if clauses else (0, pos)
