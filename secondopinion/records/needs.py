"""What a service asked for, against what the vault holds. Plain data in, a checklist out.

The service's record kinds (from the providers app) map to our document types. Two special cases:
- "imaging studies" means the images themselves: only real DICOM counts, never a report about them;
- "pathology slides" are glass and paraffin, which no upload can hold: they are listed as items to
  arrange with the pathology department, not as missing files.
No Django here.
"""

from __future__ import annotations

from dataclasses import dataclass

from secondopinion.core.words import count

# Service record kind -> the document type that satisfies it.
KIND_TO_TYPE: dict[str, str] = {
    "pathology_report": "pathology_report",
    "imaging_reports": "imaging_report",
    "imaging_studies": "imaging_study",
    "clinical_summary": "clinical_summary",
    "operative_report": "operative_report",
    "lab_results": "lab_results",
    "genomic_reports": "genomic_report",
    "medication_list": "medication_list",
    "other": "other",
}
PHYSICAL_KINDS = {"pathology_slides"}

MISSING, PRESENT, PHYSICAL = "missing", "present", "physical"


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    status: str  # missing, present, physical
    held: int = 0  # how many matching records the vault holds (studies, for imaging)
    hint: str = ""

    @property
    def held_words(self) -> str:
        """ "1 imaging study", "2 documents": what the vault holds, counted as a person would."""
        if self.kind == "imaging_studies":
            return count(self.held, "imaging study", "imaging studies")
        return count(self.held, "document")

    @property
    def is_missing(self) -> bool:
        return self.status == MISSING


def checklist_build(
    *,
    asked: list[str],
    labels: dict[str, str],
    held_by_type: dict[str, int],
    imaging_studies: int,
    other_label: str = "",
) -> list[ChecklistItem]:
    """One line per kind asked for, missing first (then slides to arrange, then present)."""
    items: list[ChecklistItem] = []
    for kind in dict.fromkeys(asked):  # keep order, drop repeats
        label = labels.get(kind, kind)
        if kind == "other" and other_label:
            label = other_label
        if kind in PHYSICAL_KINDS:
            items.append(
                ChecklistItem(
                    kind,
                    label,
                    PHYSICAL,
                    hint="Slides and tissue blocks are sent by the pathology department, not "
                    "uploaded. Ask them to send the slides to the service.",
                )
            )
            continue
        doc_type = KIND_TO_TYPE.get(kind, "other")
        if kind == "imaging_studies":
            held = imaging_studies
            hint = (
                ""
                if held
                else "A report about a scan is not enough: they need the images (DICOM files), "
                "usually on a CD. Upload a ZIP of the CD on your Records page."
            )
        else:
            held = held_by_type.get(doc_type, 0)
            hint = ""
        items.append(ChecklistItem(kind, label, PRESENT if held else MISSING, held, hint))
    order = {MISSING: 0, PHYSICAL: 1, PRESENT: 2}
    return sorted(items, key=lambda item: order[item.status])


def missing_labels(items: list[ChecklistItem]) -> list[str]:
    return [item.label for item in items if item.is_missing]
