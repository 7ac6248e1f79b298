"""Compare two plan readings component by component (pure core, no Django).

Rules (the contract's, in `docs/plans.md`):
- per modality: present on one side only -> `added` / `omitted`; on both with other drugs or
  another procedure (both sides specific) -> one `changed`; same drugs with two different
  stated durations -> `duration_changed`;
- `order_changed` when two modalities swap order, naming the one that moved (a drug treatment
  moving around surgery or radiation is the drug treatment);
- `test_added` once for the tests the opinion asks for that the first plan never mentions;
- history and reference points ("after surgery") are never omitted; supportive care is never a
  difference; an opinion that lists no treatments (or agrees with the whole plan) omits nothing
  except what it explicitly turns down; a side less specific than the other ("hormone pills" vs
  "letrozole") is `not_comparable`, never a difference.
Every user-facing sentence comes from the tables in `texts.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import texts
from .lexicon import lexicon
from .reader.reading import ANCHOR, HISTORY, PLAN, Component, PlanReading
from .vocab import PROCEDURE_TREE

TREATMENT_ORDER = (
    "surgery",
    "radiation",
    "chemotherapy",
    "endocrine",
    "targeted",
    "immunotherapy",
    "antibody-drug conjugate",
    "radiopharmaceutical",
    "active surveillance",
    "clinical trial",
    "other",
)
DRUG_MODALITIES = frozenset(
    {
        "chemotherapy",
        "endocrine",
        "targeted",
        "immunotherapy",
        "antibody-drug conjugate",
        "radiopharmaceutical",
    }
)
LOCAL = frozenset({"surgery", "radiation"})
NOT_COMPARED = frozenset({"supportive", "test"})
SAME_DURATION_MONTHS = 0.6  # 52 weeks and 12 months are one year


@dataclass(frozen=True)
class Difference:
    kind: str
    modality: str
    first: tuple[Component, ...]
    opinion: tuple[Component, ...]
    why: str
    questions_for_reviewer: tuple[str, ...] = ()
    questions_for_local_doctor: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "modality": self.modality,
            "first": [c.to_dict() for c in self.first],
            "opinion": [c.to_dict() for c in self.opinion],
            "why": self.why,
        }


@dataclass(frozen=True)
class Pairing:
    """One modality on both sides: the same, or not specific enough to compare."""

    modality: str
    first: tuple[Component, ...]
    opinion: tuple[Component, ...]
    why: str = ""


@dataclass(frozen=True)
class Comparison:
    differences: tuple[Difference, ...] = ()
    not_comparable: tuple[Pairing, ...] = ()
    same: tuple[Pairing, ...] = ()
    unread_first: tuple[str, ...] = ()
    unread_opinion: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def questions_for_reviewer(self) -> tuple[str, ...]:
        return _unique(q for d in self.differences for q in d.questions_for_reviewer)

    @property
    def questions_for_local_doctor(self) -> tuple[str, ...]:
        return _unique(q for d in self.differences for q in d.questions_for_local_doctor)

    def to_dict(self) -> dict[str, Any]:
        return {"differences": [d.to_dict() for d in self.differences]}


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _drugs(components: Iterable[Component]) -> set[str]:
    lex = lexicon()
    out = set()
    for c in components:
        for d in c.drugs:
            drug = lex.drug(d)
            if drug is not None and drug.drug_class == "corticosteroid":
                continue  # steroids ride along with regimens; not a treatment change
            out.add(d)
    return out


def _unspecific(components: Iterable[Component]) -> bool:
    return any(
        not c.specific or (c.modality in DRUG_MODALITIES and not c.drugs) for c in components
    )


def _covers(components: Iterable[Component], drug: str) -> bool:
    """Could an unspecific word on this side ("chemo", "ADT", "an aromatase inhibitor") be
    this drug? "ADT" stands for the GnRH drugs only, so it does not cover abiraterone."""
    known = lexicon().drug(drug)
    for c in components:
        if c.drugs or c.specific:
            continue
        if c.drug_class is None:
            return True
        if known is not None and c.drug_class.lower() in known.drug_class.lower():
            return True
    return False


def _durations(components: Iterable[Component], drug: str | None) -> set[float]:
    return {
        c.duration_months
        for c in components
        if c.duration_months and (drug is None or drug in c.drugs)
    }


# Surgery families whose procedure rides along with the main operation ("with sentinel node
# biopsy", "and neck dissection"): named on one side only, they are not a change.
MINOR_FAMILIES = frozenset({"axilla", "adnexa", "breast-margin", "neck", "peritoneum", ""})


def _family(procedure: str) -> str:
    return PROCEDURE_TREE.get(procedure, ("", None))[0]


def _procedures_differ(
    first: Sequence[Component],
    opinion: Sequence[Component],
    known_first: Sequence[Component] = (),
    known_opinion: Sequence[Component] = (),
) -> bool | None:
    """True: a procedure differs; False: the same; None: not specific enough on one side.

    For surgery, a main operation of another kind on one side only (a cystectomy beside the
    TURBT both plans share) is a change too, unless the other side names it as history."""
    fp = {c.procedure for c in first if c.procedure}
    op = {c.procedure for c in opinion if c.procedure}
    if not fp or not op:
        return None
    if any(c.modality == "surgery" for c in (*first, *opinion)):
        seen_first = {_family(p) for p in fp} | {
            _family(c.procedure) for c in known_first if c.procedure
        }
        seen_opinion = {_family(p) for p in op} | {
            _family(c.procedure) for c in known_opinion if c.procedure
        }
        for fam in ({_family(p) for p in op} - seen_first) | (
            {_family(p) for p in fp} - seen_opinion
        ):
            if fam not in MINOR_FAMILIES:
                return True
    by_family: dict[str, tuple[set[str], set[str]]] = {}
    for side, procs in ((0, fp), (1, op)):
        for p in procs:
            family = PROCEDURE_TREE.get(p, ("", None))[0] or p
            by_family.setdefault(family, (set(), set()))[side].add(p)
    compared = False
    for a, b in by_family.values():
        if not a or not b:
            continue
        compared = True
        for p in a | b:
            other = b if p in a else a
            if not any(_related(p, q) for q in other):
                return True
    return False if compared else None


def _related(a: str, b: str) -> bool:
    """The same procedure, or one a more specific kind of the other."""
    if a == b:
        return True
    for x, y in ((a, b), (b, a)):
        node = x
        for _ in range(5):
            parent = PROCEDURE_TREE.get(node, ("", None))[1]
            if parent is None:
                break
            if parent == y:
                return True
            node = parent
    return False


def _steps(reading: PlanReading) -> dict[str, int]:
    """The first phase of each treatment modality, from plan items and reference points."""
    out: dict[str, int] = {}
    for c in (*reading.components, *(h for h in reading.history if h.status == ANCHOR)):
        if c.modality in NOT_COMPARED:
            continue
        out[c.modality] = min(out.get(c.modality, c.phase), c.phase)
    return out


def _mover(swapped: list[tuple[str, str]]) -> list[str]:
    """Name the treatment that moved: drug treatments move around surgery and radiation."""
    count: dict[str, int] = {}
    for a, b in swapped:
        count[a] = count.get(a, 0) + 1
        count[b] = count.get(b, 0) + 1
    movers = []
    for a, b in swapped:
        if a in LOCAL and b not in LOCAL:
            pick = b
        elif b in LOCAL and a not in LOCAL:
            pick = a
        elif count[a] != count[b]:
            pick = a if count[a] > count[b] else b
        elif a in LOCAL and b in LOCAL:
            pick = "radiation" if "radiation" in (a, b) else a
        else:
            pick = max(a, b, key=TREATMENT_ORDER.index)
        if pick not in movers:
            movers.append(pick)
    # A modality only swapped with ones already named as moving did not move itself.
    return movers


class _Tally:
    """The comparison as it is being written: differences, pairings not comparable, the same."""

    def __init__(self) -> None:
        self.differences: list[Difference] = []
        self.not_comparable: list[Pairing] = []
        self.same: list[Pairing] = []

    def add(
        self,
        kind: str,
        modality: str,
        first: Iterable[Component],
        opinion: Iterable[Component],
        **extra: Any,
    ) -> None:
        f, o = tuple(first), tuple(opinion)
        self.differences.append(
            Difference(
                kind=kind,
                modality=modality,
                first=f,
                opinion=o,
                why=texts.why(kind, modality, f, o, **extra),
                questions_for_reviewer=texts.questions(kind, "reviewer", modality, f, o),
                questions_for_local_doctor=texts.questions(kind, "local", modality, f, o),
            )
        )

    def alike(self, modality: str, f: Iterable[Component], o: Iterable[Component]) -> None:
        self.same.append(Pairing(modality, tuple(f), tuple(o)))

    def vague(self, modality: str, f: Iterable[Component], o: Iterable[Component]) -> None:
        self.not_comparable.append(Pairing(modality, tuple(f), tuple(o), texts.NOT_SPECIFIC))


def compare_plans(first: PlanReading, opinion: PlanReading) -> Comparison:
    tally = _Tally()
    opinion_lists = any(c.modality not in NOT_COMPARED for c in opinion.components)
    for modality in TREATMENT_ORDER:
        _compare_modality(tally, first, opinion, modality, opinion_lists=opinion_lists)
    _compare_order(tally, first, opinion)
    _compare_tests(tally, first, opinion)
    return Comparison(
        differences=tuple(tally.differences),
        not_comparable=tuple(tally.not_comparable),
        same=tuple(tally.same),
        unread_first=first.unread,
        unread_opinion=opinion.unread,
    )


def _compare_modality(
    tally: _Tally, first: PlanReading, opinion: PlanReading, modality: str, *, opinion_lists: bool
) -> None:
    f = [c for c in first.components if c.modality == modality]
    o = [c for c in opinion.components if c.modality == modality]
    f_known = f or [c for c in first.history if c.modality == modality]
    o_known = o or [c for c in opinion.history if c.modality == modality]
    o_refused = [c for c in opinion.refused if c.modality == modality]
    if f and not o:
        firm = [c for c in f if not c.conditional]  # "Kadcyla if cancer is left" may not come
        if o_refused:
            tally.add("omitted", modality, f, o_refused, refused=True)
        elif firm and not o_known and opinion_lists and not opinion.agrees:
            tally.add("omitted", modality, f, ())
        return
    if o and not f:
        firm = [c for c in o if not c.conditional]  # "may be indicated depending on the result"
        if firm and not f_known:
            tally.add("added", modality, (), firm)
        return
    if not f or not o:
        return
    if modality in DRUG_MODALITIES:
        _compare_drugs(tally, first, opinion, modality, f=f, o=o)
    elif modality in LOCAL:
        verdict = _procedures_differ(
            f,
            o,
            [c for c in first.history if c.modality == modality],
            [c for c in opinion.history if c.modality == modality],
        )
        if verdict is True:
            tally.add("changed", modality, f, o)
        elif verdict is None and (any(c.procedure for c in f) != any(c.procedure for c in o)):
            tally.vague(modality, f, o)
        else:
            tally.alike(modality, f, o)
    else:
        tally.alike(modality, f, o)


def _compare_drugs(
    tally: _Tally,
    first: PlanReading,
    opinion: PlanReading,
    modality: str,
    *,
    f: list[Component],
    o: list[Component],
) -> None:
    sf, so = _drugs(f), _drugs(o)
    # A drug on one side that the other side neither names (in its plan, or as given
    # already) nor could mean by an unspecific word.
    hf = _drugs(c for c in first.history if c.modality == modality)
    ho = _drugs(c for c in opinion.history if c.modality == modality)
    if any(not _covers(f, d) for d in so - sf - hf) or any(not _covers(o, d) for d in sf - so - ho):
        tally.add("changed", modality, f, o)
        return
    if sf and so:
        for drug in sorted(sf & so) if sf == so else []:
            df, do = _durations(f, drug), _durations(o, drug)
            if df and do and abs(max(df) - max(do)) > SAME_DURATION_MONTHS:
                tally.add("duration_changed", modality, f, o)
                return
        tally.alike(modality, f, o)
    elif sf or so:
        tally.vague(modality, f, o)
    else:
        df, do = _durations(f, None), _durations(o, None)
        if df and do and abs(max(df) - max(do)) > SAME_DURATION_MONTHS:
            tally.add("duration_changed", modality, f, o)
        else:
            tally.alike(modality, f, o)


def _compare_order(tally: _Tally, first: PlanReading, opinion: PlanReading) -> None:
    """Two modalities in opposite order on the two sides."""
    sf, so = _steps(first), _steps(opinion)
    both = [m for m in TREATMENT_ORDER if m in sf and m in so]
    swapped = []
    for i, a in enumerate(both):
        for b in both[i + 1 :]:
            before_first = (sf[a] > sf[b]) - (sf[a] < sf[b])
            before_opinion = (so[a] > so[b]) - (so[a] < so[b])
            if before_first and before_opinion and before_first != before_opinion:
                swapped.append((a, b))
    for mover in _mover(swapped):
        f = [c for c in (*first.components, *first.history) if c.modality == mover]
        o = [c for c in (*opinion.components, *opinion.history) if c.modality == mover]
        tally.add(
            "order_changed", mover, f, o, first_order=_sequence(sf), opinion_order=_sequence(so)
        )


def _compare_tests(tally: _Tally, first: PlanReading, opinion: PlanReading) -> None:
    """Tests the opinion asks for that the first plan never mentions."""
    known = {
        c.kind for c in (*first.components, *first.history, *first.refused) if c.modality == "test"
    }
    new = [
        c
        for c in opinion.components
        if c.modality == "test" and c.kind != "follow-up" and c.kind not in known
    ]
    if new:
        tally.add("test_added", "test", (), _unique_kinds(new))


def _unique_kinds(components: Iterable[Component]) -> tuple[Component, ...]:
    seen: set[str | None] = set()
    out: list[Component] = []
    for c in components:
        if c.kind not in seen:
            seen.add(c.kind)
            out.append(c)
    return tuple(out)


def _sequence(steps: dict[str, int]) -> tuple[str, ...]:
    return tuple(
        m for m, _ in sorted(steps.items(), key=lambda kv: (kv[1], TREATMENT_ORDER.index(kv[0])))
    )


__all__ = ["Comparison", "Difference", "Pairing", "compare_plans", "PLAN", "HISTORY"]
