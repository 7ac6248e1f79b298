"""Read a treatment plan written in free text into treatment components.

Pure core (no Django). `read_plan(text)` finds every drug, regimen, procedure, test and other
treatment word (lexicon.py and vocab.py), decides for each whether it is part of the plan, a
treatment already given (history), a reference point ("after surgery"), or turned down ("over
lobectomy", "chemotherapy is not needed"), attaches stated durations, and orders the plan into
phases from the order words ("then", "followed by", "after X", "before X", "neoadjuvant") and
from each regimen's own sequence. Doses and schedules are detail and are ignored. Clauses that
talk about treatment but name nothing we know are returned as `unread`; nothing is guessed.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from . import vocab
from .lexicon import lexicon

MAX_CHARS = 200_000  # longer text is read up to here; the rest is listed as unread
PLAN = "plan"
HISTORY = "history"
ANCHOR = "anchor"  # named as a reference point: "after surgery", "post-mastectomy"
OPTION = "option"  # named as one option, or left to a later decision ("before deciding on X")
REFUSED = "refused"

DRUG_MODALITIES = (
    "chemotherapy",
    "endocrine",
    "targeted",
    "immunotherapy",
    "antibody-drug conjugate",
    "radiopharmaceutical",
    "supportive",
)


@dataclass(frozen=True)
class Component:
    """One treatment (or test) a plan names. `to_dict()` is the contract's component shape."""

    modality: str
    drugs: tuple[str, ...] = ()
    procedure: str | None = None
    duration_months: float | None = None
    phase: int = 1
    text: str = ""
    start: int = 0
    end: int = 0
    specific: bool = True  # names the drugs or the procedure, not only "chemo" or "surgery"
    hedged: bool = False  # "could be considered", "reasonable"
    conditional: bool = False  # "Kadcyla if there is cancer left": not omitted when unrepeated
    kind: str | None = None  # for modality "test": the kind of test ("MRI", "ctDNA"...)
    drug_class: str | None = None  # for "ADT", "aromatase inhibitor": the class they stand for
    status: str = PLAN  # PLAN, HISTORY, ANCHOR or REFUSED
    regimen: str | None = None  # the regimen name the drugs came from, if any

    def to_dict(self) -> dict[str, Any]:
        duration = self.duration_months
        if duration is not None and float(duration).is_integer():
            duration = int(duration)
        return {
            "modality": self.modality,
            "drugs": list(self.drugs),
            "procedure": self.procedure,
            "duration_months": duration,
            "phase": self.phase,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything, for storing a (possibly corrected) component and rebuilding it."""
        data = self.to_dict()
        data.update(
            specific=self.specific,
            hedged=self.hedged,
            conditional=self.conditional,
            kind=self.kind,
            drug_class=self.drug_class,
            status=self.status,
            regimen=self.regimen,
        )
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Component:
        """Rebuild from `to_dict()` or `to_json()` output (missing extras get defaults)."""
        modality = str(data.get("modality") or "other")
        drugs = tuple(str(d) for d in (data.get("drugs") or ()))
        procedure = data.get("procedure") or None
        duration = data.get("duration_months")
        kind = data.get("kind")
        if modality == "test" and kind is None:
            kind = procedure
        specific = data.get("specific")
        if specific is None:
            specific = bool(drugs or procedure) or modality not in (
                *DRUG_MODALITIES,
                "surgery",
                "radiation",
            )
        return cls(
            modality=modality,
            drugs=drugs,
            procedure=str(procedure) if procedure else None,
            duration_months=float(duration) if isinstance(duration, (int, float)) else None,
            phase=int(data.get("phase") or 1),
            text=str(data.get("text") or ""),
            start=int(data.get("start") or 0),
            end=int(data.get("end") or 0),
            specific=bool(specific),
            hedged=bool(data.get("hedged", False)),
            conditional=bool(data.get("conditional", False)),
            kind=kind,
            drug_class=data.get("drug_class") or None,
            status=str(data.get("status") or PLAN),
            regimen=data.get("regimen") or None,
        )


@dataclass(frozen=True)
class PlanReading:
    """What a plan proposes. `components` is the plan itself (hedged items included)."""

    components: tuple[Component, ...] = ()
    unread: tuple[str, ...] = ()
    history: tuple[Component, ...] = ()  # already given, or named only as a reference point
    refused: tuple[Component, ...] = ()  # named only to be turned down
    agrees: bool = False  # "I agree with the plan as proposed"

    @property
    def treatments(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.modality != "test")

    @property
    def tests(self) -> tuple[Component, ...]:
        return tuple(c for c in self.components if c.modality == "test")

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": [c.to_dict() for c in self.components],
            "unread": list(self.unread),
        }

    @classmethod
    def from_components(
        cls, components: Iterable[Component | dict[str, Any]], unread: Iterable[str] = ()
    ) -> PlanReading:
        """A reading rebuilt from stored (corrected) components, split by their status."""
        items = [c if isinstance(c, Component) else Component.from_dict(c) for c in components]
        return cls(
            components=tuple(c for c in items if c.status == PLAN),
            unread=tuple(unread),
            history=tuple(c for c in items if c.status in (HISTORY, ANCHOR, OPTION)),
            refused=tuple(c for c in items if c.status == REFUSED),
        )


# --- internal ------------------------------------------------------------------------------


@dataclass
class _Mention:
    start: int
    end: int
    modality: str
    drugs: tuple[str, ...] = ()
    procedure: str | None = None
    specific: bool = True
    kind: str | None = None
    drug_class: str | None = None
    regimen_phases: tuple[tuple[str, ...], ...] = ()
    regimen: str | None = None
    extra: tuple[str, ...] = ()
    priority: int = 0
    status: str = PLAN
    hedged: bool = False
    conditional: bool = False
    duration: float | None = None
    step: float = 0.0
    sentence: int = 0
    clause: tuple[int, int] = (0, 0)
    neo: bool = False
    adj: bool = False
    followup: bool = False
    steps: list[float] = field(default_factory=list)


TAG = re.compile(r"<[^<>]{0,500}>|&(?:[a-z]{2,8}|#\d{1,6});", re.IGNORECASE)
LIST_MARK = re.compile(r"(?m)^[ \t]*(?:(?P<num>\(?\d{1,2}[.)])|[-*•·‣▪]|[a-z][.)])[ \t]+")
SENTENCE_END = re.compile(
    r"(?<!\bDr)(?<!\bvs)(?<!\be\.g)(?<!\bi\.e)(?<!\bapprox)(?<!\bno)[.!?](?=\s|$)|;|\n"
)
CLAUSE_END = re.compile(
    r",|:|\bbut\b|\bhowever\b|\balthough\b|\bwhereas\b|\bwhile\b|\bunless\b", re.IGNORECASE
)
CHAIN_GAP = re.compile(
    r"^\s*(?:(?:and/or|and|or|plus|&|\+|/|-)\s*(?:(?!then\b|after\b|before\b|followed\b|later\b)"
    r"[A-Za-z-]+\s+)?)?(?:\([^()]{0,120}\)\s*)?$",
    re.IGNORECASE,
)
FIRST_AFTER = re.compile(r"[\s,]*(?:\([^)]*\)\s*)?(?:[a-z]+\s+){0,3}?first\b(?![- ]line)", re.I)
NEXT_NOT_ORDER = re.compile(
    r"next\s+(?:week|month|year|visit|appointment|few|time|scan|step\s+is\s+to\s+decide)",
    re.IGNORECASE,
)
LOWER_SHORT_OK = frozenset(
    {"mri", "ngs", "chemo", "echo", "adt", "sbrt", "imrt", "turbt", "slnb", "rads"}
)
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


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _blank_scripts(text: str) -> str:
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


def _capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 12:
        return bool(letters) and all(c.isupper() for c in letters) and len(letters) > 3
    return sum(c.islower() for c in letters) / len(letters) < 0.1


def _vocab_mentions(scan: str, cancer: str) -> list[_Mention]:
    out: list[_Mention] = []

    # `make` takes the match (the lambdas below bind their extras as defaults).
    def add(regex: str, make: Callable[..., _Mention], priority: int) -> None:
        for m in re.finditer(regex, scan, re.IGNORECASE):
            if m.end() <= m.start():
                continue
            words = scan[m.start() : m.end()]
            if (
                len(words) <= 4
                and words.isalpha()
                and words.islower()
                and words not in LOWER_SHORT_OK
            ):
                continue  # "pet", "ct", "op" in lower case are words, not acronyms
            out.append(make(m))
            out[-1].priority = priority

    for regex, procedure, family, _parent in vocab.SURGERY:
        proc = procedure
        if proc == "lobectomy" and cancer == "thyroid":
            proc = "thyroid lobectomy"
        modality = "other" if family == "transplant" else "surgery"
        add(
            rf"\b(?:{regex})\b",
            lambda m, p=proc, mod=modality: _Mention(m.start(), m.end(), mod, procedure=p),
            3,
        )
    add(
        rf"\b(?:{vocab.SURGERY_UNSPECIFIC})\b",
        lambda m: _Mention(m.start(), m.end(), "surgery", specific=False),
        1,
    )
    for regex, procedure, _axis in vocab.RADIATION:
        add(
            rf"\b(?:{regex})",
            lambda m, p=procedure: _Mention(m.start(), m.end(), "radiation", procedure=p),
            3,
        )
    add(
        rf"(?:{vocab.RADIATION_UNSPECIFIC})\b",
        lambda m: _Mention(m.start(), m.end(), "radiation", specific=False),
        1,
    )
    add(
        rf"\b(?:{vocab.CHEMORADIATION})\b",
        lambda m: _Mention(
            m.start(), m.end(), "radiation", specific=False, extra=("chemotherapy",)
        ),
        2,
    )
    for regex, modality, drug_class in vocab.UNSPECIFIC:
        add(
            rf"\b(?:{regex})\b",
            lambda m, mod=modality, dc=drug_class: _Mention(
                m.start(), m.end(), mod, specific=False, drug_class=dc
            ),
            1,
        )
    for regex, kind in vocab.TESTS:
        add(
            rf"\b(?:{regex})",
            lambda m, k=kind: _Mention(m.start(), m.end(), "test", procedure=k, kind=k),
            2,
        )
    for g in re.finditer(vocab.GENERIC_TEST, scan):  # case-sensitive: a capitalised marker
        kind = re.sub(r"\s+", " ", g.group()).strip()
        out.append(_Mention(g.start(), g.end(), "test", procedure=kind, kind=kind, priority=0))
    add(
        rf"\b(?:{vocab.FOLLOW_UP})",
        lambda m: _Mention(
            m.start(), m.end(), "test", procedure="follow-up", kind="follow-up", followup=True
        ),
        2,
    )
    add(
        rf"\b(?:{vocab.SUPPORTIVE})\b",
        lambda m: _Mention(m.start(), m.end(), "supportive", specific=False),
        1,
    )
    add(
        rf"\b(?:{vocab.SURVEILLANCE})\b",
        lambda m: _Mention(m.start(), m.end(), "active surveillance"),
        2,
    )
    add(rf"\b(?:{vocab.TRIAL})\b", lambda m: _Mention(m.start(), m.end(), "clinical trial"), 1)
    return out


def _core_typos() -> dict[str, str]:
    if not _CORE_TYPOS:
        for word in vocab.CORE_WORDS:
            for k in range(len(word)):
                _CORE_TYPOS.setdefault(word[:k] + word[k + 1 :], word)
            _CORE_TYPOS.setdefault(word, word)
    return _CORE_TYPOS


_CORE_TYPOS: dict[str, str] = {}
REAL_WORDS = frozenset({"radiating", "radiated", "radiator", "surgeon", "surgeons", "surgical"})

WORD = re.compile(r"[A-Za-z]{6,}")


def _typo_mentions(scan: str, mentions: list[_Mention]) -> list[_Mention]:
    """Core words with one typo ("radiaton", "lumpectmy", "mastectomey") that nothing read."""
    table = _core_typos()
    starts = [m.start for m in mentions]
    out = []
    for w in WORD.finditer(scan):
        word = w.group().lower()
        if word in vocab.CORE_WORDS or word in REAL_WORDS:
            continue  # spelled right: the vocabularies already had their chance
        i = bisect.bisect_right(starts, w.start()) - 1
        if i >= 0 and mentions[i].end > w.start():
            continue
        found = table.get(word)
        if found is None:
            for k in range(len(word)):
                found = table.get(word[:k] + word[k + 1 :])
                if found:
                    break
        if found and abs(len(found) - len(word)) <= 1 and found != word:
            modality, procedure = vocab.CORE_WORDS[found]
            specific = procedure is not None or modality not in (
                "radiation",
                "surgery",
                "chemotherapy",
                "immunotherapy",
            )
            out.append(
                _Mention(
                    w.start(), w.end(), modality, procedure=procedure, specific=specific, priority=0
                )
            )
    return out


def _lexicon_mentions(scan: str, capitals: bool) -> list[_Mention]:
    lex = lexicon()
    out = []
    for hit in lex.find(scan, capitals=capitals):
        if hit.regimen is not None:
            reg = hit.regimen
            out.append(
                _Mention(
                    hit.start,
                    hit.end,
                    "regimen",
                    drugs=reg.drugs,
                    regimen_phases=reg.phases,
                    regimen=reg.name,
                    priority=5,
                )
            )
        elif hit.drug is not None:
            drug = hit.drug
            modality = drug.modality
            if drug.drug_class == "corticosteroid":
                modality = (
                    "supportive"  # on its own a steroid rides along; inside a regimen it counts
                )
            out.append(_Mention(hit.start, hit.end, modality, drugs=(drug.generic,), priority=4))
    return out


def _resolve(mentions: list[_Mention]) -> list[_Mention]:
    """Keep non-overlapping mentions: the longest first, then the most specific."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), -m.priority, m.start))
    taken: list[_Mention] = []
    occupied: list[tuple[int, int]] = []
    for m in ranked:
        i = bisect.bisect_left(occupied, (m.start, m.start))
        clash = False
        for j in (i - 1, i):
            if 0 <= j < len(occupied):
                s, e = occupied[j]
                if s < m.end and m.start < e:
                    clash = True
        if not clash:
            bisect.insort(occupied, (m.start, m.end))
            taken.append(m)
    return sorted(taken, key=lambda m: m.start)


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
_Sentences = Sequence[tuple[int, int, bool]]

INLINE_NUMBER = re.compile(r"(?:(?<=\s)|^)\(?(\d{1,2})\)\s+(?=[A-Za-z])")


def _segments(scan: str) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int]]]:
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


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    i = bisect.bisect_right(clauses, (pos, math.inf)) - 1
    return clauses[max(i, 0)] if clauses else (0, pos)


def read_plan(text: str, cancer: str | None = None) -> PlanReading:
    """Read a free-text plan into components. Never raises for bad input."""
    if not isinstance(text, str) or not text.strip():
        return PlanReading()
    unread_tail: tuple[str, ...] = ()
    if len(text) > MAX_CHARS:
        unread_tail = (f"Only the first {MAX_CHARS:,} characters were read; the rest was not.",)
    source = text[:MAX_CHARS]
    scan = TAG.sub(_blank, _blank_scripts(source))  # tags become spaces: offsets stay the same
    cancer = (cancer or "").strip().lower()
    capitals = _capitals(scan)

    mentions = _resolve(_vocab_mentions(scan, cancer) + _lexicon_mentions(scan, capitals))
    mentions = _resolve(mentions + _typo_mentions(scan, mentions))
    sentences, clauses = _segments(scan)
    agrees = bool(vocab.AGREE_ALL.search(scan))

    # Each mention's sentence and clause.
    sent_starts = [s for s, _, _ in sentences]
    for m in mentions:
        m.sentence = max(bisect.bisect_right(sent_starts, m.start) - 1, 0)
        m.clause = _clause_of(clauses, m.start)

    _mark_status(scan, mentions, sentences)
    _attach_durations(scan, mentions, sentences)
    _order(scan, mentions, sentences)

    items = [pair for m in mentions for pair in _components(source, m)]
    items = _merge(source, scan, _drop_explained(scan, items))
    ordered = sorted({step for c, step in items if c.status in (PLAN, ANCHOR)})
    placed = [replace(c, phase=_rank(ordered, step, c.status)) for c, step in items]
    components = [c for c in placed if c.status == PLAN]
    refused = [c for c in placed if c.status == REFUSED]
    history = [c for c in placed if c.status in (HISTORY, ANCHOR, OPTION)]
    unread = (
        _unread(source, scan, mentions, clauses, capitals=capitals, sentences=sentences)
        + unread_tail
    )
    return PlanReading(tuple(components), tuple(unread), tuple(history), tuple(refused), agrees)


def _rank(ordered: list[float], step: float, status: str) -> int:
    """Phase 1, 2, ... from the plan's own steps (history counts as phase 1)."""
    if status == HISTORY or not ordered:
        return 1
    return max(bisect.bisect_right(ordered, step), 1)


def _chains(scan: str, mentions: list[_Mention]) -> list[list[int]]:
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


def _mark_status(scan: str, mentions: list[_Mention], sentences: _Sentences) -> None:
    hedges: dict[tuple[int, int], bool] = {}
    options: dict[tuple[int, int], bool] = {}
    for group in _chains(scan, mentions):
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


def _test_status(scan: str, m: _Mention, status: str, sentences: _Sentences) -> str:
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


def _attach_durations(scan: str, mentions: list[_Mention], sentences: _Sentences) -> None:
    """A stated length goes to the treatment it is written against, within one sentence."""
    by_clause: dict[tuple[int, int], list[_Mention]] = {}
    for m in mentions:
        by_clause.setdefault(sentences[m.sentence][:2], []).append(m)
    groups = _chains(scan, mentions)
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


def _duration_before(
    scan: str, items: list[_Mention], starts: list[int], de: int
) -> _Mention | None:
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
    items: list[_Mention],
    starts: list[int],
    *,
    clause: tuple[int, int],
    ds: int,
    de: int,
) -> _Mention | None:
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


def _order(scan: str, mentions: list[_Mention], sentences: _Sentences) -> None:
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


def _step(m: _Mention, before: str, *, cur: float, maxstep: float, seen_any: bool) -> float:
    if m.status == HISTORY:
        return 0.0
    if m.status == ANCHOR:
        return cur - 0.5
    if vocab.BEFORE.search(before) and seen_any:
        return maxstep + 0.5
    return cur


def _around_surgery(mentions: list[_Mention]) -> None:
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


class _Common(TypedDict):
    """What every component read from one mention shares."""

    text: str
    start: int
    end: int
    hedged: bool
    conditional: bool
    status: str


def _components(source: str, m: _Mention) -> list[tuple[Component, float]]:
    text = source[m.start : m.end]
    common: _Common = {
        "text": text,
        "start": m.start,
        "end": m.end,
        "hedged": m.hedged,
        "conditional": m.conditional,
        "status": m.status,
    }
    out: list[tuple[Component, float]] = []
    if m.modality == "regimen":
        lex = lexicon()
        for k, phase_drugs in enumerate(m.regimen_phases or (m.drugs,)):
            by_modality: dict[str, list[str]] = {}
            local = []
            for generic in phase_drugs:
                if generic.startswith("@"):  # radiation or surgery named in the sequence
                    local.append(generic[1:])
                    continue
                drug = lex.drug(generic)
                modality = drug.modality if drug else "other"
                by_modality.setdefault(modality, []).append(generic)
            for modality in local:
                comp = Component(modality=modality, specific=False, regimen=m.regimen, **common)
                out.append((comp, m.steps[k] if k < len(m.steps) else m.step))
            if (
                all(_steroid(d) for d in by_modality.get("chemotherapy", ["x"]))
                and len(by_modality) > 1
            ):
                # steroids alone in a phase ride along ("VRd"): not chemotherapy by themselves
                by_modality["supportive"] = by_modality.pop("chemotherapy")
            for modality, drugs in by_modality.items():
                comp = Component(
                    modality=modality,
                    drugs=tuple(drugs),
                    duration_months=m.duration,
                    regimen=m.regimen,
                    **common,
                )
                out.append((comp, m.steps[k] if k < len(m.steps) else m.step))
        return out
    comp = Component(
        modality=m.modality,
        drugs=m.drugs,
        procedure=m.procedure,
        duration_months=m.duration,
        specific=m.specific,
        kind=m.kind,
        drug_class=m.drug_class,
        **common,
    )
    out.append((comp, m.step))
    out.extend((Component(modality=extra, specific=False, **common), m.step) for extra in m.extra)
    return out


EXPLAINS_AFTER = re.compile(r"[\s,]*(?:\(|:|-|with|of|using|namely)?\s*", re.IGNORECASE)
EXPLAINS_BEFORE = re.compile(r"[\s-]*(?:based|containing)?\s*", re.IGNORECASE)


def _drop_explained(
    scan: str, items: list[tuple[Component, float]]
) -> list[tuple[Component, float]]:
    """Drop "chemo" when its own drugs are named beside it ("chemo (cisplatin)", "chemo with
    gemcitabine", "cisplatin-based chemotherapy"): the drugs say it, and a bare "chemo" left
    over would wrongly mean "some other drug may be meant"."""
    named = [c for c, _ in items if c.drugs and c.status == PLAN]
    keep = []
    for comp, step in items:
        if comp.modality in DRUG_MODALITIES and not comp.drugs and not comp.specific:
            explained = False
            for other in named:
                if other.modality != comp.modality:
                    continue
                if other.start >= comp.end and other.start - comp.end <= 25:
                    explained = bool(EXPLAINS_AFTER.fullmatch(scan[comp.end : other.start]))
                elif other.end <= comp.start and comp.start - other.end <= 12:
                    explained = bool(EXPLAINS_BEFORE.fullmatch(scan[other.end : comp.start]))
                if explained:
                    break
            if explained:
                continue
        keep.append((comp, step))
    return keep


def _steroid(generic: str) -> bool:

    drug = lexicon().drug(generic)
    return drug is not None and drug.drug_class == "corticosteroid"


def _merge(
    source: str, scan: str, items: list[tuple[Component, float]]
) -> list[tuple[Component, float]]:
    """Join neighbouring named drugs of one modality ("carboplatin and paclitaxel")."""
    out: list[tuple[Component, float]] = []
    for comp, step in items:
        if out:
            prev, prev_step = out[-1]
            gap = scan[prev.end : comp.start] if comp.start >= prev.end else None
            if (
                gap is not None
                and prev.modality == comp.modality
                and comp.modality in DRUG_MODALITIES
                and prev.specific
                and comp.specific
                and prev.regimen is None
                and comp.regimen is None
                and prev_step == step
                and prev.status == comp.status
                and len(gap) <= 20
                and re.fullmatch(r"[\s,]*(?:and|plus|with|&|\+|/|-)?[\s]*", gap, re.IGNORECASE)
            ):
                drugs = tuple(dict.fromkeys((*prev.drugs, *comp.drugs)))
                durations = [d for d in (prev.duration_months, comp.duration_months) if d]
                merged = replace(
                    prev,
                    drugs=drugs,
                    end=comp.end,
                    text=source[prev.start : comp.end],
                    duration_months=max(durations) if durations else None,
                    hedged=prev.hedged or comp.hedged,
                )
                out[-1] = (merged, prev_step)
                continue
        out.append((comp, step))
    return out


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

    def __init__(self, mentions: Sequence[_Mention]) -> None:
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


def _unread(
    source: str,
    scan: str,
    mentions: Sequence[_Mention],
    clauses: Sequence[tuple[int, int]],
    *,
    capitals: bool,
    sentences: _Sentences = (),
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
