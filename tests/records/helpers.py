"""Test data for the records vault: real files, small DICOM series, PDFs and ZIPs made on the fly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pikepdf
from fpdf import FPDF
from pydicom.dataset import FileDataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

from secondopinion.core import vault
from secondopinion.records.imports import storage_root
from secondopinion.records.models import (
    DiscImport,
    Document,
    ImagingInstance,
    ImagingSeries,
    ImagingStudy,
)

PATHOLOGY_TEXT = [
    "SURGICAL PATHOLOGY REPORT",
    "Date of Birth: 02/12/1964   Collected: 03/14/2026",
    "FINAL DIAGNOSIS: Breast, left, lumpectomy: invasive ductal carcinoma.",
    "GROSS DESCRIPTION: The specimen is received in formalin.",
    "Margins are negative. Pathologist: A. Example, MD",
]


def pdf_bytes(lines: list[str] | None = None, *, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines or PATHOLOGY_TEXT:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if password:
        pdf.set_encryption(owner_password="owner-secret", user_password=password)
    return bytes(pdf.output())


def armed(data: bytes) -> bytes:
    """The PDF `data` with a script run on opening, also listed among its named scripts."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        script = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
        pdf.Root.OpenAction = script
        pdf.Root.Names = pikepdf.Dictionary(
            JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("x"), script]))
        )
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def dicom_bytes(
    *,
    study_uid: str,
    series_uid: str,
    number: int = 1,
    patient_name: str = "OWNER^OLIVE",
    patient_id: str = "MRN001",
    birth_date: str = "19640212",
    modality: str = "CT",
    size: int = 16,
    transfer_syntax: str = ExplicitVRLittleEndian,
    preamble: bytes = b"\x00" * 128,
    study_description: str = "CT CHEST",
    series_description: str = "AXIAL",
    photometric: str = "MONOCHROME2",
) -> bytes:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = transfer_syntax
    ds = FileDataset("x", {}, file_meta=meta, preamble=preamble)
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.PatientName = patient_name
    ds.PatientID = patient_id
    ds.PatientBirthDate = birth_date
    ds.StudyInstanceUID = study_uid
    ds.StudyDate = "20260310"
    ds.StudyDescription = study_description
    ds.AccessionNumber = "ACC1"
    ds.InstitutionName = "Example General Hospital"
    ds.Modality = modality
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = 1
    ds.SeriesDescription = series_description
    ds.BodyPartExamined = "CHEST"
    ds.InstanceNumber = number
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.RescaleSlope = 1
    ds.RescaleIntercept = -1024
    pixels = (np.arange(size * size, dtype=np.uint16).reshape(size, size) * 7 + number) % 4096
    if UID(transfer_syntax).is_compressed:
        # A JPEG 2000 codestream start followed by nothing useful: no decoder here can read it.
        ds.PixelData = encapsulate([b"\xff\x4f\xff\x51" + b"\0" * 200])
        ds["PixelData"].VR = "OB"
    else:
        ds.PixelData = pixels.astype(np.uint16).tobytes()
    buffer = io.BytesIO()
    ds.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()


def small_cd(
    folder: Path, *, studies: int = 1, series: int = 2, images: int = 3, **patient
) -> dict:
    """A small disc in `folder`: DICOM files without extensions, a viewer, autorun, a readme."""
    counts = {"studies": studies, "series": studies * series, "images": studies * series * images}
    for s in range(studies):
        study_uid = generate_uid()
        for e in range(series):
            series_uid = generate_uid()
            target = folder / "DICOM" / f"ST{s}" / f"SE{e}"
            target.mkdir(parents=True, exist_ok=True)
            for i in range(images):
                (target / f"IM{i}").write_bytes(
                    dicom_bytes(
                        study_uid=study_uid,
                        series_uid=series_uid,
                        number=i + 1,
                        series_description=f"SERIES {e}",
                        **patient,
                    )
                )
    (folder / "VIEWER").mkdir(exist_ok=True)
    (folder / "VIEWER" / "viewer.exe").write_bytes(b"MZ" + b"\x90" * 4000)
    (folder / "AUTORUN.INF").write_text("[autorun]\nopen=VIEWER\\viewer.exe\n")
    (folder / "README.TXT").write_text("Images in DICOM format.\n")
    return counts


def zip_of(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return target


def make_document(
    case,
    *,
    content: bytes = b"%PDF-1.4 test",
    doc_type: str = "pathology_report",
    name: str = "report.pdf",
    kind: str = "pdf",
    root: Path | None = None,
) -> Document:
    stored = vault.stream_store([content], root=root or storage_root())
    return Document.objects.create(
        case=case,
        doc_type=doc_type,
        original_name=name,
        stored_name=stored.name,
        size=stored.size,
        sha256=stored.sha256,
        content_type="application/pdf",
        kind=kind,
    )


def make_study(case, *, with_preview: bool = True) -> ImagingStudy:
    disc_import = DiscImport.objects.create(case=case, source_name="cd.zip", status="done")
    study = ImagingStudy.objects.create(
        case=case, disc_import=disc_import, study_uid=generate_uid(), description="CT CHEST"
    )
    preview = ""
    if with_preview:
        preview = vault.stream_store(
            [b"\x89PNG\r\n\x1a\n"], root=storage_root(), suffix=".png"
        ).name
    series = ImagingSeries.objects.create(
        study=study,
        series_uid=generate_uid(),
        description="AXIAL",
        image_count=1,
        preview_name=preview,
    )
    stored = vault.stream_store([b"DICM"], root=storage_root())
    ImagingInstance.objects.create(
        case=case,
        series=series,
        sop_instance_uid=generate_uid(),
        original_path="IM0",
        stored_name=stored.name,
        size=stored.size,
        sha256=stored.sha256,
    )
    return study
