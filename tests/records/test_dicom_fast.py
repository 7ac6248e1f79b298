"""The narrow fast header reader agrees with pydicom, or steps aside."""

import os
from pathlib import Path

import pydicom
import pytest

from secondopinion.records.dicom.fast import fast_header
from secondopinion.records.dicom.headers import (
    HEADER_TAGS,
    DicomProblem,
    fields_of,
    header_from_fields,
)

FILES = sorted(
    p for p in (Path(pydicom.__file__).parent / "data" / "test_files").rglob("*") if p.is_file()
)


def _pydicom_header(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True, specific_tags=HEADER_TAGS)
    return header_from_fields(fields_of(ds))


def test_it_reads_most_of_pydicoms_own_test_files():
    read = [
        p
        for p in FILES
        if fast_header(p.read_bytes()[:65536], complete=os.path.getsize(p) <= 65536)
    ]
    assert len(read) > 100


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_it_agrees_with_pydicom_whenever_it_answers(path):
    head = path.read_bytes()[:65536]
    fields = fast_header(head, complete=os.path.getsize(path) <= 65536)
    if fields is None:
        return
    try:
        fast = header_from_fields(fields)
    except DicomProblem as exc:
        fast = exc.message
    try:
        slow = _pydicom_header(path)
    except DicomProblem as exc:
        slow = exc.message
    assert fast == slow


def test_it_steps_aside_when_the_header_is_longer_than_the_bytes_given():
    path = Path(pydicom.__file__).parent / "data" / "test_files" / "CT_small.dcm"
    assert fast_header(path.read_bytes()[:400], complete=False) is None


def test_it_steps_aside_for_garbage():
    assert fast_header(b"\0" * 128 + b"DICM" + b"\xff" * 400, complete=True) is None
    assert fast_header(b"not dicom", complete=True) is None
