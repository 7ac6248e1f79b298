"""The slice renderer: windows, rescale, MONOCHROME1, and plain words for what cannot be drawn."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, JPEG2000Lossless, JPEGLSLossless, generate_uid

from secondopinion.records import slices
from tests.records.helpers import dicom_bytes

DEFAULTS = {
    "slope": 1,
    "intercept": 0,
    "photometric": "MONOCHROME2",
    "window": None,
    "modality": "CT",
    "position": 12.5,
    "frames": 1,
}


def _write(path: Path, pixels: np.ndarray | None, **options: Any) -> Path:
    """A DICOM file of these pixels; options as in DEFAULTS."""
    unknown = set(options) - set(DEFAULTS)
    assert not unknown, unknown
    o = {**DEFAULTS, **options}
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\0" * 128)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = o["modality"]
    if o["position"] is not None:
        ds.ImagePositionPatient = [0, 0, o["position"]]
    if pixels is not None:
        ds.Rows, ds.Columns = pixels.shape[-2:]
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = o["photometric"]
        ds.BitsAllocated = 16
        ds.BitsStored = 16
        ds.HighBit = 15
        ds.PixelRepresentation = 1 if pixels.dtype == np.int16 else 0
        ds.RescaleSlope = o["slope"]
        ds.RescaleIntercept = o["intercept"]
        if o["frames"] > 1:
            ds.NumberOfFrames = o["frames"]
        ds.PixelData = pixels.tobytes()
    if o["window"]:
        ds.WindowCenter, ds.WindowWidth = o["window"]
    ds.save_as(path, enforce_file_format=True)
    return path


def _grey(result: slices.SliceImage) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(result.png)))


def test_window_apply_follows_the_dicom_linear_function():
    values = np.array([-1000.0, -161.0, -160.0, 40.0, 239.5, 240.0, 3000.0], dtype=np.float32)
    out = slices.window_apply(values, center=40, width=400)
    # c - 0.5 - (w - 1) / 2 = -160 is black, c - 0.5 + (w - 1) / 2 = 239 is white.
    assert out.tolist()[:3] == [0, 0, 0]
    assert out[3] == int(((40 - 39.5) / 399 + 0.5) * 255)  # 127
    assert out.tolist()[4:] == [255, 255, 255]


def test_the_ct_presets_are_the_standard_windows():
    assert {(p.key, p.width, p.center) for p in slices.CT_PRESETS} == {
        ("soft", 400, 40),
        ("lung", 1500, -600),
        ("bone", 1800, 400),
    }


def test_it_applies_the_rescale_before_the_window(tmp_path):
    # Stored 0..2000 with intercept -1024: Hounsfield -1024..976. Soft tissue window 40/400.
    stored = np.array([[0, 1024, 1064, 1300]], dtype=np.uint16).repeat(4, axis=0)
    path = _write(tmp_path / "a.dcm", stored, intercept=-1024)
    result = slices.slice_render(path, window="soft")
    row = _grey(result)[0].tolist()
    assert row == [
        0,
        int(((0 - 39.5) / 399 + 0.5) * 255),
        int(((40 - 39.5) / 399 + 0.5) * 255),
        255,
    ]
    assert result.window == (40, 400) and result.window_source == "soft"
    # A slope doubles the values: stored 532 is HU 40 with slope 2 and intercept -1024.
    doubled = _write(tmp_path / "b.dcm", stored // 2, slope=2, intercept=-1024)
    assert _grey(slices.slice_render(doubled, window="soft"))[0].tolist()[2] == row[2]


def test_the_lung_and_bone_presets_show_other_ranges(tmp_path):
    hu = np.array([[-600, 400]], dtype=np.int16).repeat(2, axis=0)
    path = _write(tmp_path / "a.dcm", hu)
    lung = _grey(slices.slice_render(path, window="lung"))[0].tolist()
    bone = _grey(slices.slice_render(path, window="bone"))[0].tolist()
    assert lung[0] == 127 and lung[1] == 255  # -600 is the middle of the lung window
    assert bone[0] == 0 and bone[1] == 127


def test_it_uses_the_files_own_window_and_never_a_ct_preset_for_other_scans(tmp_path):
    values = np.array([[100, 300, 500]], dtype=np.uint16).repeat(2, axis=0)
    path = _write(tmp_path / "mr.dcm", values, modality="MR", window=(300, 401))
    result = slices.slice_render(path, window="lung")  # a CT window asked for an MRI
    assert result.window == (300, 401) and result.window_source == "file"
    assert _grey(result)[0].tolist() == [0, 127, 255]


def test_without_a_stated_window_ct_uses_soft_tissue_and_others_the_percentiles(tmp_path):
    values = np.arange(100, dtype=np.uint16).reshape(10, 10)
    ct = slices.slice_render(_write(tmp_path / "ct.dcm", values))
    mr = slices.slice_render(_write(tmp_path / "mr.dcm", values, modality="MR"))
    assert ct.window_source == "soft"
    assert mr.window_source == "auto"
    assert mr.window == pytest.approx((49.5, 98.01 - 0.99 + 1), abs=0.01)


def test_monochrome1_is_inverted(tmp_path):
    values = np.array([[0, 1000]], dtype=np.uint16).repeat(2, axis=0)
    mono2 = _write(tmp_path / "m2.dcm", values, modality="CR", window=(500, 1001))
    mono1 = _write(
        tmp_path / "m1.dcm", values, modality="CR", window=(500, 1001), photometric="MONOCHROME1"
    )
    assert _grey(slices.slice_render(mono2))[0].tolist() == [0, 255]
    assert _grey(slices.slice_render(mono1))[0].tolist() == [255, 0]


def test_it_reports_the_position_in_mm(tmp_path):
    values = np.zeros((4, 4), dtype=np.uint16)
    assert (
        slices.slice_render(_write(tmp_path / "a.dcm", values, position=-37.25)).position_mm
        == -37.25
    )
    assert (
        slices.slice_render(_write(tmp_path / "b.dcm", values, position=None)).position_mm is None
    )


def test_it_draws_one_frame_of_a_multi_frame_file(tmp_path):
    frames = np.stack([np.full((4, 4), v, dtype=np.uint16) for v in (0, 500, 1000)])
    path = _write(tmp_path / "mf.dcm", frames, modality="US", window=(500, 1001), frames=3)
    assert slices.frame_count(path) == 3
    assert [int(_grey(slices.slice_render(path, frame=k))[0, 0]) for k in range(3)] == [0, 127, 255]
    with pytest.raises(slices.SliceProblem, match="no such picture"):
        slices.slice_render(path, frame=3)


def test_a_big_picture_is_scaled_down(tmp_path):
    path = _write(tmp_path / "big.dcm", np.zeros((600, 300), dtype=np.uint16))
    result = slices.slice_render(path, max_side=200)
    assert (result.width, result.height) == (100, 200) and (result.rows, result.columns) == (
        600,
        300,
    )


def test_an_absurd_picture_is_refused_before_decoding(tmp_path):
    path = _write(tmp_path / "a.dcm", np.zeros((64, 64), dtype=np.uint16))
    with pytest.raises(slices.SliceProblem, match="too large to show here .64 by 64 pixels"):
        slices.slice_render(path, max_pixels=64 * 63)


def test_a_compression_without_a_decoder_says_so(tmp_path):
    path = tmp_path / "jls.dcm"
    path.write_bytes(
        dicom_bytes(
            study_uid=generate_uid(), series_uid=generate_uid(), transfer_syntax=JPEGLSLossless
        )
    )
    with pytest.raises(slices.SliceProblem) as caught:
        slices.slice_render(path)
    assert "stored compressed (JPEG-LS Lossless Image Compression)" in caught.value.message
    assert "kept unchanged" in caught.value.message


def test_damaged_compressed_pixels_say_so(tmp_path):
    # JPEG 2000 can be opened here (Pillow), but these bytes are not a picture.
    path = tmp_path / "j2k.dcm"
    path.write_bytes(
        dicom_bytes(
            study_uid=generate_uid(), series_uid=generate_uid(), transfer_syntax=JPEG2000Lossless
        )
    )
    with pytest.raises(slices.SliceProblem, match="could not be read: the file may be damaged"):
        slices.slice_render(path)


def test_missing_pixels_and_a_non_dicom_file_say_so(tmp_path):
    with pytest.raises(slices.SliceProblem, match="no pixel data"):
        slices.slice_render(_write(tmp_path / "a.dcm", None))
    (tmp_path / "b").write_bytes(b"DICM")
    with pytest.raises(slices.SliceProblem, match="could not be read as a scan picture"):
        slices.slice_render(tmp_path / "b")


def test_pixels_cut_short_say_so(tmp_path):
    data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid(), size=64)
    (tmp_path / "cut").write_bytes(data[:-3000])
    with pytest.raises(slices.SliceProblem, match="damaged"):
        slices.slice_render(tmp_path / "cut")
