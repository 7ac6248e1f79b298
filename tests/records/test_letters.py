"""The records request letter, filled from plain data."""

import datetime

from secondopinion.records import letters


def _data(**extra):
    base = dict(
        patient_name="Olive Owner",
        institution="Example General Hospital",
        items=[
            letters.RequestedItem("Pathology report"),
            letters.RequestedItem(
                "Imaging studies", detail="all series, in DICOM format", imaging=True
            ),
        ],
        today=datetime.date(2026, 4, 1),
        needed_by=datetime.date(2026, 4, 15),
        patient_birth_date=datetime.date(1964, 2, 12),
        patient_contact=["olive@example.org"],
    )
    base.update(extra)
    return letters.LetterData(**base)


def test_it_asks_for_each_missing_item_with_the_deadline():
    letter = letters.request_letter(_data())
    text = letter.text
    assert "Pathology report" in text
    assert "Imaging studies: all series, in DICOM format" in text
    assert "April 15, 2026" in text
    assert "date of birth February 12, 1964" in text
    assert "Example General Hospital" in letter.recipient


def test_it_states_the_right_of_access_and_the_form_for_images():
    text = letters.request_letter(_data()).text
    assert "HIPAA" in text and "right" in text
    assert "CD or DVD" in text and "electronic transfer" in text
    assert "not only the written report" in text


def test_it_leaves_out_the_imaging_paragraph_when_no_scans_are_asked_for():
    letter = letters.request_letter(_data(items=[letters.RequestedItem("Lab results")]))
    assert "DICOM" not in letter.text


def test_it_can_send_straight_to_the_service():
    text = letters.request_letter(_data(send_to=["Big Cancer Center", "Records intake"])).text
    assert "Please send the records to: Big Cancer Center, Records intake." in text


def test_it_is_signed_by_a_caregiver_when_one_writes_it():
    letter = letters.request_letter(_data(signer_name="Sam Helper", signer_relationship="Daughter"))
    assert letter.signature[:2] == ["Sam Helper", "Daughter of Olive Owner"]
    assert "on behalf of Olive Owner" in letter.text
