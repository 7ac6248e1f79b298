"""A DICOM file whose image element declares more bytes than the file holds is refused plainly,
on upload and in a CD import; ordinary files are not."""

from __future__ import annotations

import struct

import pytest
from django.core.management import call_command
from pydicom.uid import generate_uid

from secondopinion.records.dicom.headers import DicomProblem, header_from_head, header_read
from secondopinion.records.models import ImagingStudy
from tests.records.helpers import dicom_bytes

PIXEL_TAG = b"\xe0\x7f\x10\x00"


def _overstated(declared: int = 2_000_000_000, held: int = 64) -> bytes:
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    at = data.rfind(PIXEL_TAG)
    assert data[at + 4 : at + 6] in (b"OW", b"OB")
    return data[: at + 8] + struct.pack("<I", declared) + b"\x00" * held


def test_it_refuses_an_image_element_longer_than_the_file(tmp_path):
    path = tmp_path / "bad.dcm"
    path.write_bytes(_overstated())
    with pytest.raises(DicomProblem, match="past the"):
        header_read(path)


def test_it_refuses_it_from_bytes_already_read_too():
    data = _overstated()
    with pytest.raises(DicomProblem, match="past the"):
        header_from_head(data, complete=True, size=len(data))


def test_an_ordinary_file_and_one_cut_by_a_byte_are_told_apart(tmp_path):
    good = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid())
    path = tmp_path / "good.dcm"
    path.write_bytes(good)
    assert header_read(path).study_uid
    assert header_from_head(good, complete=True, size=len(good)) is not None
    path.write_bytes(good[:-1])
    with pytest.raises(DicomProblem):
        header_read(path)


def test_a_cd_import_lists_it_as_a_problem_and_keeps_nothing(case, tmp_path, capsys):

    disc = tmp_path / "disc" / "DICOM"
    disc.mkdir(parents=True)
    (disc / "IM0001").write_bytes(_overstated())
    call_command("import-cd", str(tmp_path / "disc"), "--case", str(case.public_id), "--json")
    assert "past the" in capsys.readouterr().out
    assert not ImagingStudy.objects.filter(case=case).exists()
