"""Messages the app drafts for the patient, in the product's own words."""

from __future__ import annotations

from secondopinion.cases.cancer_types import cancer_in_sentence
from secondopinion.core.words import dear


def wait_question(*, doctor_name: str, cancer_label: str, patient_name: str) -> str:
    """A short, polite note asking the treating doctor whether treatment can wait a few weeks."""
    greeting = dear(doctor_name)
    cancer = cancer_in_sentence(cancer_label) if cancer_label else "my cancer"
    signature = patient_name or ""
    return (
        f"{greeting}\n\n"
        "Thank you for explaining my diagnosis and the plan you recommend. Before I begin, I would "
        f"like a specialist in {cancer} to review my case as a second opinion. This is only so that "
        "I feel sure about my choices; it is not a sign that I doubt your care.\n\n"
        "Could you tell me whether it is medically safe for me to wait a few weeks before starting "
        "treatment? If it is, what is the latest date you would be comfortable with? If it is not "
        "safe to wait, I would like to know that too.\n\n"
        "Thank you for your help.\n\n"
        f"{signature}"
    ).rstrip() + "\n"
