"""What a reading of a plan holds: its components and their status. No Django here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

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
