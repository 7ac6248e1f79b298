"""A report PDF from outside (the reviewer's link, or one the patient adds), disarmed with
`core.pdfsafe` before anyone opens it. The untouched upload is kept aside by the caller."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from secondopinion.core.pdfsafe import PdfRefused, pdf_disarm
from secondopinion.core.vault import files as vault_files

__all__ = ["PdfRefused", "ReportCopy", "report_disarm"]


@dataclass
class ReportCopy:
    """The disarmed copy (a temporary file the caller stores, then removes), or None when the
    upload held nothing active."""

    path: Path | None = None
    size: int = 0
    sha256: str = ""
    removed: list[str] = field(default_factory=list)

    def words(self) -> str:
        return "; ".join(dict.fromkeys(self.removed))[:300]

    def discard(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path.parent, ignore_errors=True)


def report_disarm(upload) -> ReportCopy:
    """Disarm an uploaded PDF (a Django UploadedFile). Raises PdfRefused; the upload is unchanged."""
    folder = Path(tempfile.mkdtemp(prefix="report-"))
    try:
        source = folder / "upload.pdf"
        upload.seek(0)
        with source.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        upload.seek(0)
        target = folder / "disarmed.pdf"
        try:
            result = pdf_disarm(source, target)
        except PdfRefused:
            raise
        except (pikepdf.PdfError, RuntimeError, ValueError, KeyError, TypeError) as exc:
            raise PdfRefused(
                "This PDF could not be checked for programs hidden inside it. Please save it "
                "again (or print it to a new PDF) and upload the copy."
            ) from exc
        source.unlink()
        if not result.changed:
            shutil.rmtree(folder, ignore_errors=True)
            return ReportCopy()
        sha256, size = vault_files.path_digest(target)
        return ReportCopy(
            path=target,
            size=size,
            sha256=sha256,
            removed=list(result.removed),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
