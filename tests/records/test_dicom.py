"""Finding DICOM by content, reading headers only, the study index, patient checks, previews."""

import io
from pathlib import Path

import numpy as np
import pydicom
import pytest
from PIL import Image
from pydicom.uid import JPEG2000Lossless, generate_uid

from secondopinion.records.dicom.headers import (
    DicomProblem,
    InstanceHeader,
    PatientIdentity,
    header_from_head,
    header_read,
)
from secondopinion.records.dicom.identity import patient_warnings
from secondopinion.records.dicom.index import DiscIndex, StudyEntry
from secondopinion.records.dicom.previews import preview_png
from secondopinion.records.dicom.sniff import dicom_sniff
from tests.records.helpers import dicom_bytes

PYDICOM_FILES = Path(pydicom.__file__).parent / "data" / "test_files"


def _write(tmp_path, data, name="IM1"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _uids():
    return {"study_uid": generate_uid(), "series_uid": generate_uid()}


def test_it_finds_dicom_by_the_marker_not_the_name():
    data = dicom_bytes(**_uids())
    assert dicom_sniff(data[:512]) == "dicom"
    assert dicom_sniff(b"MZ" + b"\0" * 600) == "other"
    assert dicom_sniff(b"[autorun]\nopen=viewer.exe") == "other"


def test_it_flags_a_program_header_hidden_in_the_preamble():
    data = dicom_bytes(**_uids(), preamble=b"MZ" + b"\x90" * 126)
    assert dicom_sniff(data[:512]) == "executable"


def test_it_refuses_to_read_a_dicom_file_with_a_program_in_its_preamble(tmp_path):
    path = _write(tmp_path, dicom_bytes(**_uids(), preamble=b"\x7fELF" + b"\0" * 124))
    with pytest.raises(DicomProblem) as caught:
        header_read(path)
    assert "program" in caught.value.message


def test_it_reads_a_file_without_preamble_as_a_fallback(tmp_path):
    data = dicom_bytes(**_uids())
    bare = _write(tmp_path, data[132:])  # no preamble, no DICM: starts with group 0002
    assert dicom_sniff(bare.read_bytes()[:512]) == "bare"
    header = header_read(bare)
    assert header.modality == "CT"
    assert header.study_description == "CT CHEST"


def test_it_does_not_mistake_a_random_file_for_bare_dicom(tmp_path):
    path = _write(tmp_path, b"\x08\x00\x05\x00" + bytes(range(256)) * 4)
    with pytest.raises(DicomProblem):
        header_read(path)


def test_it_reads_the_header_fields_for_the_index(tmp_path):
    uids = _uids()
    header = header_read(_write(tmp_path, dicom_bytes(**uids, number=7)))
    assert header.study_uid == uids["study_uid"]
    assert header.series_uid == uids["series_uid"]
    assert header.patient == PatientIdentity("OWNER^OLIVE", "MRN001", "19640212")
    assert (header.study_date, header.institution, header.accession_number) == (
        "20260310",
        "Example General Hospital",
        "ACC1",
    )
    assert (header.instance_number, header.rows, header.body_part) == (7, 16, "CHEST")


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (10, "not a DICOM image"),  # the DICM marker itself is cut off
        (140, "cut short or damaged"),
        (300, "cut short or damaged"),
        (600, "cut short or damaged"),
    ],
)
def test_it_handles_truncated_dicom_without_crashing(tmp_path, cut, message):
    data = dicom_bytes(**_uids())
    path = _write(tmp_path, data[:cut])
    with pytest.raises(DicomProblem, match=message):
        header_read(path)  # a cut inside the pixel data too: its length runs past the end
    assert preview_png(path) is None


def test_it_handles_a_header_declaring_a_huge_element(tmp_path):
    data = bytearray(dicom_bytes(**_uids()))
    at = data.find(b"LO", 132)  # first long-string element: make its length absurd
    data[at + 2 : at + 4] = b"\xff\xff"
    path = _write(tmp_path, bytes(data))
    with pytest.raises(DicomProblem, match="declares a length past the end of the file"):
        header_read(path)


def test_it_refuses_pixel_data_declaring_more_bytes_than_the_file_holds(tmp_path):
    data = bytearray(dicom_bytes(**_uids()))
    at = data.rfind(b"\xe0\x7f\x10\x00OW")  # the pixel data element: 2 GB declared, 512 held
    data[at + 8 : at + 12] = (2**31).to_bytes(4, "little")
    path = _write(tmp_path, bytes(data))
    with pytest.raises(DicomProblem, match="declares a length past the end of the file"):
        header_read(path)
    with pytest.raises(DicomProblem, match="declares a length past the end of the file"):
        header_from_head(bytes(data), complete=True, size=len(data))


def test_it_accepts_pixel_data_whose_declared_length_fits(tmp_path):
    data = dicom_bytes(**_uids())
    assert header_from_head(data, complete=True, size=len(data)) is not None
    assert header_read(_write(tmp_path, data)).rows == 16


def test_it_treats_a_dicomdir_as_a_table_of_contents():
    header = header_read(PYDICOM_FILES / "dicomdirtests" / "DICOMDIR")
    assert header.is_directory


def test_it_builds_studies_series_and_instances_and_counts_duplicates():
    index = DiscIndex()
    uids = _uids()
    for number in (1, 2, 3):
        header = InstanceHeader(
            sop_instance_uid=f"1.2.{number}",
            sop_class_uid="1.2.840.10008.5.1.4.1.1.2",
            patient=PatientIdentity("A^B"),
            modality="CT",
            instance_number=number,
            **uids,
        )
        assert index.add(header, path=f"IM{number}", size=10)
    assert not index.add(header, path="copy", size=10)
    assert index.summary()["images"] == 3
    assert index.duplicates == 1
    series = next(iter(next(iter(index.studies.values())).series.values()))
    assert series.middle_instance().instance_number == 2


def _study(name="", pid="", birth="", description="CT"):
    return StudyEntry(
        uid=generate_uid(),
        patient=PatientIdentity(name, pid, birth),
        description=description,
        date="20260310",
    )


def test_it_warns_when_a_study_names_someone_else():
    warnings = patient_warnings([_study("SMITH^JOHN")], case_patient=PatientIdentity("Olive Owner"))
    assert len(warnings) == 1
    assert "name" in warnings[0] and "John Smith" in warnings[0]


def test_it_accepts_the_same_person_written_differently():
    studies = [_study("OWNER^OLIVE^M", "1", "19640212"), _study("Owner^Olive", "", "19640212")]
    case_patient = PatientIdentity("Olive Owner", birth_date="19640212")
    assert patient_warnings(studies, case_patient=case_patient) == []


def test_it_warns_when_studies_on_one_disc_belong_to_different_people():
    studies = [_study("OWNER^OLIVE", "1"), _study("OWNER^OLIVE", "2")]
    warnings = patient_warnings(studies)
    assert len(warnings) == 1
    assert "2 different people" in warnings[0]


def test_it_warns_on_a_different_birth_date():
    warnings = patient_warnings(
        [_study("OWNER^OLIVE", birth="19700101")],
        case_patient=PatientIdentity("Olive Owner", birth_date="19640212"),
    )
    assert "birth date" in warnings[0]
    assert "CT from March 10, 2026" in warnings[0]  # the US order, not "10 Mar 2026"


def _png(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_it_makes_a_windowed_preview(tmp_path):
    path = _write(tmp_path, dicom_bytes(**_uids(), size=64))
    png = preview_png(path)
    image = _png(png)
    assert image.format == "PNG" and image.mode == "L"
    values = np.asarray(image)
    assert values.min() < 30 and values.max() > 220  # stretched to use the grey range


def test_it_inverts_monochrome1(tmp_path):
    uids = _uids()
    normal = np.asarray(_png(preview_png(_write(tmp_path, dicom_bytes(**uids, size=32), "a"))))
    inverted = np.asarray(
        _png(
            preview_png(
                _write(tmp_path, dicom_bytes(**uids, size=32, photometric="MONOCHROME1"), "b")
            )
        )
    )
    assert normal[0, 0] > 200 or inverted[0, 0] > 200
    assert abs(int(normal[0, 0]) + int(inverted[0, 0]) - 255) <= 1


def test_it_gives_no_preview_for_a_compressed_syntax_it_cannot_decode(tmp_path):
    data = dicom_bytes(**_uids(), transfer_syntax=JPEG2000Lossless)
    assert preview_png(_write(tmp_path, data)) is None


def test_it_refuses_an_absurd_pixel_count_before_decoding(tmp_path):
    path = _write(tmp_path, dicom_bytes(**_uids(), size=64))
    assert preview_png(path, max_pixels=1000) is None


def test_it_gives_no_preview_when_the_pixels_promised_are_not_there(tmp_path):
    data = dicom_bytes(**_uids(), size=64)
    assert preview_png(_write(tmp_path, data[:-4000])) is None


def test_it_previews_pydicom_sample_images_or_says_none_without_raising():
    for name in ("CT_small.dcm", "MR_small.dcm", "JPEG2000.dcm", "emri_small_jpeg_2k_lossless.dcm"):
        result = preview_png(PYDICOM_FILES / name)
        assert result is None or result.startswith(b"\x89PNG")
