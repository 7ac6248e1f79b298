"""The drug and regimen lexicon: `data/drugs.csv` and `data/regimens.csv`, loaded once.

Pure core (no Django). Matching works on word tokens (runs of letters and digits), so a name
never matches inside another word ("ACTH" is not "ACT", "targeted" is not anything). An alias
matches a run of consecutive tokens whose letters and digits, joined, spell the alias: "5-FU",
"5 FU" and "5FU" are one name. Tokens may only be joined across short gaps of spaces, hyphens,
slashes, "+" or arrows, never across a comma or a full stop.

Short acronyms ("TC", "AC-T", "EP", "Rd") and acronyms that are also English words ("ICE",
"MAP", "TIP") match case-sensitively; in text written in capitals the word-like ones are
switched off, so "TIP" in a shouted sentence is not a regimen.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

TOKEN = re.compile(r"[^\W_]+")
SEP = "\x1f"
JOINABLE_GAP = re.compile(r"[ \t\-/+>→&']{0,3}")

# Acronyms that are ordinary English words when capitalised: only exact case, and not at all
# in text written in capitals.
WORD_LIKE = frozenset(
    {"ACT", "AIM", "CAF", "ICE", "MAP", "TIP", "VIP", "RICE", "FLAG", "CROSS", "STRIDE", "IDEA"}
)
# Short lower-case aliases that are also English words: exact case only.
EXACT_LOWER = frozenset({"cape", "pom", "ven", "abi", "axi", "dex"})

# Names patients type that the shared table leaves out on purpose-free grounds (plain
# abbreviations with one meaning in a cancer plan).
EXTRA_DRUG_ALIASES = {
    "paclitaxel": ("taxol weekly",),
    "carboplatin": ("carboplatinum",),
    "fluorouracil": ("5 fluorouracil", "five FU"),
}


@dataclass(frozen=True)
class Drug:
    generic: str
    modality: str
    drug_class: str


@dataclass(frozen=True)
class Regimen:
    name: str
    drugs: tuple[str, ...]
    phases: tuple[tuple[str, ...], ...]  # in order; one phase when given "together"
    notes: str


@dataclass(frozen=True)
class Match:
    """One lexicon hit in a text: exact source span, and what it names."""

    start: int
    end: int
    regimen: Regimen | None
    drug: Drug | None


def _key(text: str) -> str:
    return "".join(TOKEN.findall(text))


def _case_sensitive(alias: str) -> bool:
    key = _key(alias)
    if alias in WORD_LIKE or key in WORD_LIKE or alias in EXACT_LOWER:
        return True
    letters = [c for c in key if c.isalpha()]
    if not letters:
        return False
    has_upper = any(c.isupper() for c in letters)
    if len(key) <= 3 and has_upper:
        return True
    return len(key) <= 4 and all(c.isupper() for c in letters)


class Lexicon:
    def __init__(
        self,
        drugs: dict[str, Drug],
        regimens: dict[str, Regimen],
        aliases: list[tuple[str, str, str]],
    ) -> None:
        self.drugs = drugs
        self.regimens = regimens
        self.exact: dict[str, tuple[str, str]] = {}  # case-sensitive key -> (kind, id)
        self.folded: dict[str, tuple[str, str]] = {}  # lower-case key -> (kind, id)
        self.word_like: set[str] = set()
        self.lower_short: set[str] = set()
        self.max_tokens = 1
        for alias, kind, ident in aliases:
            key = _key(alias)
            if not key:
                continue
            self.max_tokens = max(self.max_tokens, len(TOKEN.findall(alias)) + 1)
            if _case_sensitive(alias):
                # Case-sensitive names match token for token: "AC/TH" is not "ACTH".
                self.exact.setdefault(SEP.join(TOKEN.findall(alias)), (kind, ident))
                if key in WORD_LIKE or alias in WORD_LIKE:
                    self.word_like.add(key)
            else:
                self.folded.setdefault(key.lower(), (kind, ident))
                if len(key) <= 4 and key.islower():
                    # "ipi", "nivo", "bev": never in capitals, where "IPI" is a prognostic index
                    self.lower_short.add(key)
        # One-typo index for long single-word names ("pacitaxel", "letrozol"); a variant that
        # could be two different drugs is dropped.
        fuzzy: dict[str, str | None] = {}
        for key, (kind, ident) in self.folded.items():
            if kind != "drug" or len(key) < 8 or not key.isalpha():
                continue
            for variant in {key, *_deletions(key)}:
                if variant in fuzzy and fuzzy[variant] != ident:
                    fuzzy[variant] = None
                else:
                    fuzzy[variant] = ident
        self.fuzzy = {k: v for k, v in fuzzy.items() if v}

    def drug(self, generic: str) -> Drug | None:
        return self.drugs.get(generic)

    def _longest_at(
        self, text: str, tokens: list[tuple[int, int]], i: int, *, capitals: bool
    ) -> tuple[tuple[str, str] | None, int]:
        """The longest name starting at token `i`, and the index of its last token."""
        hit: tuple[str, str] | None = None
        parts: list[str] = []
        last = i
        for j in range(i, min(len(tokens), i + self.max_tokens)):
            if j > i:
                gap = text[tokens[j - 1][1] : tokens[j][0]]
                if not JOINABLE_GAP.fullmatch(gap):
                    break
            parts.append(text[tokens[j][0] : tokens[j][1]])
            joined = "".join(parts)
            found = self.folded.get(joined.lower())
            if (
                found is not None
                and not capitals
                and joined.isupper()
                and joined.lower() in self.lower_short
            ):
                found = None
            if found is None:
                found = self.exact.get(SEP.join(parts))
                if found is not None and capitals and joined in self.word_like:
                    found = None
            if found is not None:
                hit = found
                last = j
        return hit, last

    def _misspelled(self, word: str) -> str | None:
        """The drug a long word is one letter away from, if only one drug is that close."""
        if not word.isalpha() or word in self.folded:
            return None
        ident = self.fuzzy.get(word)
        if ident is None:
            for variant in _deletions(word):
                ident = self.fuzzy.get(variant)
                if ident:
                    break
        return ident

    def find(self, text: str, *, capitals: bool = False) -> list[Match]:
        """Every lexicon name in `text`, left to right, longest first, never overlapping."""
        tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
        out: list[Match] = []
        i = 0
        n = len(tokens)
        while i < n:
            hit, last = self._longest_at(text, tokens, i, capitals=capitals)
            if hit is None and tokens[i][1] - tokens[i][0] >= 8:
                ident = self._misspelled(text[tokens[i][0] : tokens[i][1]].lower())
                if ident:
                    hit = ("drug", ident)
                    last = i
            if hit is None:
                i += 1
                continue
            kind, ident = hit
            start, end = tokens[i][0], tokens[last][1]
            if kind == "drug":
                out.append(Match(start, end, None, self.drugs[ident]))
            else:
                out.append(Match(start, end, self.regimens[ident], None))
            i = last + 1
        return out


def _deletions(word: str) -> set[str]:
    return {word[:k] + word[k + 1 :] for k in range(len(word))}


LOCAL_STEPS = {"radiation": "@radiation", "radiotherapy": "@radiation", "surgery": "@surgery"}


def _phases(sequence: str, drugs: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Phases of a regimen's `sequence`: its drugs, plus "@radiation" / "@surgery" where the
    sequence names them ("carboplatin+paclitaxel weekly with radiation > surgery")."""
    if not sequence.strip() or sequence.strip().lower() == "together":
        return (drugs,)
    phases = []
    by_length = sorted(drugs, key=len, reverse=True)
    for part in sequence.split(">"):
        text = part.lower()
        found: list[tuple[int, str]] = []
        for generic in by_length:
            at = text.find(generic)
            if at >= 0:
                found.append((at, generic))
                text = text[:at] + " " * len(generic) + text[at + len(generic) :]
        for word, step in LOCAL_STEPS.items():
            hit = re.search(rf"\b{word}\b", text)
            if hit and step not in (name for _, name in found):
                found.append((hit.start(), step))
        if found:
            phases.append(tuple(name for _, name in sorted(found)))
    return tuple(phases) or (drugs,)


def _alias_rows(names: list[str], kind: str, target: str) -> list[tuple[str, str, str]]:
    return [(alias.strip(), kind, target) for alias in names if alias.strip()]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, read from package data on first use."""
    drugs: dict[str, Drug] = {}
    aliases: list[tuple[str, str, str]] = []
    with (DATA / "drugs.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            generic = row["generic"].strip()
            drugs[generic] = Drug(generic, row["modality"].strip(), row["drug_class"].strip())
            names = [generic, *row["aliases"].split("|"), *EXTRA_DRUG_ALIASES.get(generic, ())]
            aliases.extend(_alias_rows(names, "drug", generic))
    regimens: dict[str, Regimen] = {}
    regimen_aliases: list[tuple[str, str, str]] = []
    with (DATA / "regimens.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            name = row["name"].strip()
            members = tuple(d.strip() for d in row["drugs"].split("|") if d.strip())
            regimens[name] = Regimen(name, members, _phases(row["sequence"], members), row["notes"])
            regimen_aliases.extend(_alias_rows([name, *row["aliases"].split("|")], "regimen", name))
    # Regimen names first: "FOLFOX" is a regimen, and a regimen alias wins over a drug alias.
    return Lexicon(drugs, regimens, regimen_aliases + aliases)
