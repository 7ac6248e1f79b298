"""Damaged input never crashes the readers: only their own plain refusals come out."""

import io
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.uid import generate_uid

from secondopinion.records import safezip
from secondopinion.records.dicom.fast import fast_header, length_overrun
from secondopinion.records.dicom.headers import DicomProblem, header_read
from secondopinion.records.dicom.previews import preview_png
from tests.records.helpers import dicom_bytes

SAMPLE = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid(), size=8)
ARCHIVE = io.BytesIO()
with zipfile.ZipFile(ARCHIVE, "w", zipfile.ZIP_DEFLATED) as _zf:
    _zf.writestr("DICOM/IM1", SAMPLE)
    _zf.writestr("README.TXT", b"hello " * 50)
ARCHIVE_BYTES = ARCHIVE.getvalue()


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    raw = bytearray(data)
    for position, value in edits:
        raw[position % len(raw)] = value
    return bytes(raw[:cut] if cut else raw)


EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=8)
CUTS = st.one_of(st.none(), st.integers(1, len(SAMPLE)))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS, cut=CUTS)
def test_damaged_dicom_gives_a_header_or_a_plain_problem(tmp_path, edits, cut):
    path = tmp_path / "IM"
    data = _mutate(SAMPLE, edits, cut)
    path.write_bytes(data)
    fast_header(data, complete=True)  # must not raise
    length_overrun(data, len(data))  # nor this
    try:
        header_read(path)
    except DicomProblem as exc:
        assert exc.message
    assert preview_png(path) is None or preview_png(path).startswith(b"\x89PNG")


@settings(max_examples=150, deadline=None)
@given(edits=EDITS, cut=st.one_of(st.none(), st.integers(1, len(ARCHIVE_BYTES))))
def test_damaged_zips_give_files_or_a_plain_refusal(edits, cut):
    data = _mutate(ARCHIVE_BYTES, edits, cut)
    try:
        for item in safezip.zip_walk(io.BytesIO(data)):
            item.stream.read()
    except safezip.ZipProblem as exc:
        assert exc.message
