"""Find every treatment a plan names: procedures, radiation, tests and the other words of
`vocab.py`, drugs and regimens from the lexicon, and core words with one typo. No Django here.

Overlapping finds are resolved to the longest, then the most specific (`mentions_resolve`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import vocab
from ..lexicon import lexicon
from .reading import PLAN


@dataclass
class Mention:
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


LOWER_SHORT_OK = frozenset(
    {"mri", "ngs", "chemo", "echo", "adt", "sbrt", "imrt", "turbt", "slnb", "rads"}
)


def vocab_mentions(scan: str, cancer: str) -> list[Mention]:
    out: list[Mention] = []

    # `make` takes the match (the lambdas below bind their extras as defaults).
    def add(regex: str, make: Callable[..., Mention], priority: int) -> None:
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
            lambda m, p=proc, mod=modality: Mention(m.start(), m.end(), mod, procedure=p),
            3,
        )
    add(
        rf"\b(?:{vocab.SURGERY_UNSPECIFIC})\b",
        lambda m: Mention(m.start(), m.end(), "surgery", specific=False),
        1,
    )
    for regex, procedure, _axis in vocab.RADIATION:
        add(
            rf"\b(?:{regex})",
            lambda m, p=procedure: Mention(m.start(), m.end(), "radiation", procedure=p),
            3,
        )
    add(
        rf"(?:{vocab.RADIATION_UNSPECIFIC})\b",
        lambda m: Mention(m.start(), m.end(), "radiation", specific=False),
        1,
    )
    add(
        rf"\b(?:{vocab.CHEMORADIATION})\b",
        lambda m: Mention(m.start(), m.end(), "radiation", specific=False, extra=("chemotherapy",)),
        2,
    )
    for regex, modality, drug_class in vocab.UNSPECIFIC:
        add(
            rf"\b(?:{regex})\b",
            lambda m, mod=modality, dc=drug_class: Mention(
                m.start(), m.end(), mod, specific=False, drug_class=dc
            ),
            1,
        )
    for regex, kind in vocab.TESTS:
        add(
            rf"\b(?:{regex})",
            lambda m, k=kind: Mention(m.start(), m.end(), "test", procedure=k, kind=k),
            2,
        )
    for g in re.finditer(vocab.GENERIC_TEST, scan):  # case-sensitive: a capitalised marker
        kind = re.sub(r"\s+", " ", g.group()).strip()
        out.append(Mention(g.start(), g.end(), "test", procedure=kind, kind=kind, priority=0))
    add(
        rf"\b(?:{vocab.FOLLOW_UP})",
        lambda m: Mention(
            m.start(), m.end(), "test", procedure="follow-up", kind="follow-up", followup=True
        ),
        2,
    )
    add(
        rf"\b(?:{vocab.SUPPORTIVE})\b",
        lambda m: Mention(m.start(), m.end(), "supportive", specific=False),
        1,
    )
    add(
        rf"\b(?:{vocab.SURVEILLANCE})\b",
        lambda m: Mention(m.start(), m.end(), "active surveillance"),
        2,
    )
    add(rf"\b(?:{vocab.TRIAL})\b", lambda m: Mention(m.start(), m.end(), "clinical trial"), 1)
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


def typo_mentions(scan: str, mentions: list[Mention]) -> list[Mention]:
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
                Mention(
                    w.start(), w.end(), modality, procedure=procedure, specific=specific, priority=0
                )
            )
    return out


def lexicon_mentions(scan: str, capitals: bool) -> list[Mention]:
    lex = lexicon()
    out = []
    for hit in lex.find(scan, capitals=capitals):
        if hit.regimen is not None:
            reg = hit.regimen
            out.append(
                Mention(
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
            out.append(Mention(hit.start, hit.end, modality, drugs=(drug.generic,), priority=4))
    return out


def mentions_resolve(mentions: list[Mention]) -> list[Mention]:
    """Keep non-overlapping mentions: the longest first, then the most specific."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), -m.priority, m.start))
    taken: list[Mention] = []
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
