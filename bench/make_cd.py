"""Make a synthetic imaging CD for the import benchmark.

Default: one patient, 2 studies (CT and MR), 6 series, 1,200 slices of 512 x 512 16-bit pixels
(about 600 MB), laid out like a real disc: DICOM files without extensions in nested folders, a
DICOMDIR-like table of contents, a viewer program, autorun files and a readme. `--scale 2` doubles
the number of slices per series.

    .venv/bin/python bench/make_cd.py [--scale 2] [--out var/bench/cd]
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROOT = Path(__file__).resolve().parent.parent
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
MR_IMAGE = "1.2.840.10008.5.1.4.1.1.4"
DICOMDIR_CLASS = "1.2.840.10008.1.3.10"

STUDIES = [
    {
        "modality": "CT",
        "sop_class": CT_IMAGE,
        "description": "CT CHEST ABDOMEN PELVIS W CONTRAST",
        "date": "20260310",
        "series": [
            ("AXIAL 5MM", 300, "CHEST"),
            ("LUNG 1MM", 300, "CHEST"),
            ("CORONAL", 200, "ABDOMEN"),
        ],
    },
    {
        "modality": "MR",
        "sop_class": MR_IMAGE,
        "description": "MRI BRAIN W WO CONTRAST",
        "date": "20260402",
        "series": [("AX T1 POST", 150, "HEAD"), ("AX FLAIR", 150, "HEAD"), ("SAG T2", 100, "HEAD")],
    },
]


def phantom(size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """A few body-like slices (an ellipse with organs and noise) to cycle through."""
    y, x = np.mgrid[-1 : 1 : size * 1j, -1 : 1 : size * 1j]
    base = np.where((x / 0.85) ** 2 + (y / 0.65) ** 2 < 1, 1040.0, 0.0)  # soft tissue, CT +16
    base += np.where(((x + 0.35) / 0.22) ** 2 + (y / 0.35) ** 2 < 1, -800.0, 0.0)  # lung
    base += np.where(((x - 0.35) / 0.22) ** 2 + (y / 0.35) ** 2 < 1, -800.0, 0.0)
    base += np.where((x / 0.08) ** 2 + ((y + 0.4) / 0.08) ** 2 < 1, 700.0, 0.0)  # spine
    return [
        np.clip(base + rng.normal(0, 20, base.shape) + 8 * k, 0, 4095).astype(np.uint16)
        for k in range(8)
    ]


def slice_write(
    path: Path,
    *,
    study: dict,
    study_uid: str,
    series_uid: str,
    series_number: int,
    series_description: str,
    body_part: str,
    number: int,
    pixels: np.ndarray,
) -> None:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = study["sop_class"]
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset(str(path), {}, file_meta=meta, preamble=b"\x00" * 128)
    ds.SOPClassUID = study["sop_class"]
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = "SAMPLE^ALEX"
    ds.PatientID = "BENCH0001"
    ds.PatientBirthDate = "19640212"
    ds.StudyInstanceUID = study_uid
    ds.StudyDate = study["date"]
    ds.StudyDescription = study["description"]
    ds.AccessionNumber = f"ACC{study['date']}"
    ds.InstitutionName = "Example General Hospital"
    ds.Modality = study["modality"]
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = series_number
    ds.SeriesDescription = series_description
    ds.BodyPartExamined = body_part
    ds.InstanceNumber = number
    ds.ImagePositionPatient = [0, 0, float(number)]
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleSlope = 1
    ds.RescaleIntercept = -1024
    ds.WindowCenter = 40
    ds.WindowWidth = 400
    ds.PixelData = pixels.tobytes()
    ds.save_as(path, enforce_file_format=True)


def cd_make(out: Path, *, scale: int = 1, size: int = 512) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    rng = np.random.default_rng(7)
    slices = phantom(size, rng)
    counts = {"studies": 0, "series": 0, "images": 0}
    series_number = 0
    for s_index, study in enumerate(STUDIES, start=1):
        study_uid = generate_uid()
        counts["studies"] += 1
        for description, n, body_part in study["series"]:
            series_number += 1
            counts["series"] += 1
            series_uid = generate_uid()
            folder = out / "DICOM" / f"ST{s_index:05d}" / f"SE{series_number:05d}"
            folder.mkdir(parents=True)
            for number in range(1, n * scale + 1):
                slice_write(
                    folder / f"IM{number:05d}",
                    study=study,
                    study_uid=study_uid,
                    series_uid=series_uid,
                    series_number=series_number,
                    series_description=description,
                    body_part=body_part,
                    number=number,
                    pixels=slices[number % len(slices)],
                )
                counts["images"] += 1
    extras_write(out, rng)
    return counts


def extras_write(out: Path, rng: np.random.Generator) -> None:
    """What discs carry besides images: table of contents, viewer, autorun, readme."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = DICOMDIR_CLASS
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = FileDataset("DICOMDIR", {}, file_meta=meta, preamble=b"\x00" * 128)
    ds.FileSetID = "BENCHCD"
    ds.DirectoryRecordSequence = []
    ds.save_as(out / "DICOMDIR", enforce_file_format=True)
    viewer = out / "VIEWER"
    viewer.mkdir()
    (viewer / "viewer.exe").write_bytes(b"MZ" + rng.bytes(8 * 1024 * 1024))
    (viewer / "dcmcore.dll").write_bytes(b"MZ" + rng.bytes(2 * 1024 * 1024))
    (out / "AUTORUN.INF").write_text(
        "[autorun]\nopen=VIEWER\\viewer.exe\nicon=VIEWER\\viewer.exe\n"
    )
    (out / "README.TXT").write_text("Images in DICOM format. Start VIEWER\\viewer.exe to view.\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or ROOT / "var" / "bench" / ("cd" if args.scale == 1 else f"cd-x{args.scale}")
    started = time.perf_counter()
    counts = cd_make(out, scale=args.scale, size=args.size)
    total = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"wrote {out}")
    print(
        f"studies {counts['studies']}, series {counts['series']}, images {counts['images']}, "
        f"{total / 1e6:.0f} MB in {time.perf_counter() - started:.1f} s"
    )
    os.sync()


if __name__ == "__main__":
    main()
