"""From the case's cancer type (cases/cancer_types.py) to the plain query the research core takes."""

from __future__ import annotations

from secondopinion.cases.cancer_types import BY_CODE
from secondopinion.doctors.clients.research import CancerTopic, DoctorQuery


def cancer_topic(code: str, other_words: str = "") -> CancerTopic:
    """The case's cancer as words for sentences, a MeSH heading and trial condition words.

    For "other", the patient's own words are searched in titles and abstracts (no heading).
    """
    kind = BY_CODE.get(code)
    if kind is None or not kind.mesh:
        words = other_words.strip() or "cancer"
        return CancerTopic(label=words[:1].lower() + words[1:], mesh_heading="", keywords=(words,))
    return CancerTopic(
        label=kind.label[:1].lower() + kind.label[1:],
        mesh_heading=kind.mesh,
        keywords=kind.search_words,
    )


def query_for(research) -> DoctorQuery:
    """A DoctorResearch row (and its case) -> the research core's query."""
    return DoctorQuery(
        full_name=research.doctor_name,
        cancer=cancer_topic(research.cancer_type, research.case.cancer_type_other),
        affiliation=research.affiliation,
        state=research.state,
        npi=research.chosen_npi,
    )
