"""The records request letter: plain data in, a printable letter out.

A patient asks a hospital's records office (often called Health Information Management, or the
release-of-information office) for copies of their own records. The letter states the right of
access, lists exactly what to send, says in what form (for scans: the images themselves on a disc
or by electronic transfer, not only the written report), where to send it, and the date the
patient needs it by. The wording is ours; it asks and informs, it does not threaten.

No Django here: the view gathers the data and renders `Letter.paragraphs` in a template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class RequestedItem:
    """One thing to send. `imaging` marks scans, whose images (not just the report) are needed."""

    label: str
    detail: str = ""
    imaging: bool = False


@dataclass(frozen=True)
class LetterData:
    patient_name: str
    institution: str
    items: list[RequestedItem]
    today: date
    needed_by: date | None = None
    patient_birth_date: date | None = None
    patient_contact: list[str] = field(default_factory=list)  # address lines, phone, email
    send_to: list[str] = field(default_factory=list)  # empty: send to the patient
    purpose: str = "a second opinion from another specialist"
    signer_name: str = ""  # a caregiver signing on the patient's behalf
    signer_relationship: str = ""


@dataclass(frozen=True)
class Letter:
    date_line: str
    recipient: list[str]
    subject: str
    salutation: str
    paragraphs: list[str]
    items: list[str]
    closing: str
    signature: list[str]

    @property
    def text(self) -> str:
        """The whole letter as plain text (for copying into an email or a portal message)."""
        blocks = [
            self.date_line,
            "\n".join(self.recipient),
            self.subject,
            self.salutation,
            self.paragraphs[0],
            "\n".join(f"- {item}" for item in self.items),
            *self.paragraphs[1:],
            self.closing,
            "\n".join(self.signature),
        ]
        return "\n\n".join(b for b in blocks if b) + "\n"


def _long_date(value: date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def request_letter(data: LetterData) -> Letter:
    """Build the letter. Every sentence is fixed text filled with the case's own facts."""
    who = data.patient_name.strip() or "the patient named below"
    birth = (
        f" (date of birth {_long_date(data.patient_birth_date)})" if data.patient_birth_date else ""
    )
    opening = (
        f"My name is {who}{birth}. I am asking for copies of my medical records from "
        f"{data.institution}. I need them for {data.purpose}. Please send the following:"
    )
    if data.signer_name:
        opening = (
            f"I am writing on behalf of {who}{birth}, who has asked me to help gather their "
            f"medical records from {data.institution}. They need them for {data.purpose}. "
            "Please send the following:"
        )
    items = [f"{i.label}: {i.detail}" if i.detail else i.label for i in data.items]
    paragraphs = [opening]
    if any(i.imaging for i in data.items):
        paragraphs.append(
            "For the scans, I need the images themselves, not only the written report. "
            "Please provide every series of each study in the standard DICOM format, either "
            "on a CD or DVD, or by a secure electronic transfer if you offer one. "
            "A disc with a built-in viewer is fine, as long as the original DICOM files are on it."
        )
    paragraphs.append(
        "Federal law (the HIPAA Privacy Rule) gives patients the right to see and get a copy "
        "of their own health records, in the form they ask for when the office can produce it. "
        "If there is a fee, please tell me the amount before you send the records."
    )
    destination = (
        "Please send the records to: " + ", ".join(line for line in data.send_to if line) + "."
        if data.send_to
        else "Please send the records to me, using the contact details below."
    )
    if data.needed_by:
        destination += (
            f" I need them by {_long_date(data.needed_by)}, because the review has to be "
            "finished before treatment decisions are made. If that is not possible, please "
            "call or write to tell me when they can be ready."
        )
    paragraphs.append(destination)
    paragraphs.append(
        "If you need a signed authorization form of your own, please send it to me and I will "
        "return it right away. Thank you for your help."
    )
    signature = [data.signer_name or who]
    if data.signer_name and data.signer_relationship:
        signature.append(f"{data.signer_relationship} of {who}")
    signature.extend(line for line in data.patient_contact if line)
    return Letter(
        date_line=_long_date(data.today),
        recipient=["Medical Records Office (Release of Information)", data.institution],
        subject=f"Request for copies of medical records: {who}",
        salutation="Dear Records Office,",
        paragraphs=paragraphs,
        items=items,
        closing="Sincerely,",
        signature=signature,
    )
