"""How tests/test_access.py makes this app's objects for its walk over every URL."""

from secondopinion.doctors.models import DoctorNote, DoctorResearch


def make_research(case, **fields) -> DoctorResearch:
    fields.setdefault("doctor_name", "Jane Smith")
    fields.setdefault("cancer_type", case.cancer_type)
    return DoctorResearch.objects.create(case=case, **fields)


def make_note(case) -> DoctorNote:
    research = DoctorResearch.objects.filter(case=case).first() or make_research(case)
    return DoctorNote.objects.create(research=research, kind="board", text="Board certified")


def _research_id(case):
    research = DoctorResearch.objects.filter(case=case).first() or make_research(case)
    return research.public_id


MAKERS = {
    "research_id": _research_id,
    "note_id": lambda case: make_note(case).public_id,
}
