"""The owner downloads everything in their case as one ZIP."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.http import FileResponse, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view
from secondopinion.operations.export import case_export


def export_open(case) -> BinaryIO:
    """Build the case's ZIP and return it open for reading, with nothing left on disk.

    The ZIP is built in a folder of its own with a unique name (`tempfile`) under the data
    folder's temp folder, so two exports at once (a double-click, two tabs) never share a file.
    It is unlinked as soon as it is open (POSIX keeps the open file readable), so nothing with
    health details stays on disk once the download ends; if building fails, the folder goes too.
    """
    folder = Path(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="export-", dir=folder))
    try:
        return case_export(case=case, out=work / "case.zip").path.open("rb")
    finally:
        shutil.rmtree(work, ignore_errors=True)


@case_view(owner=True)
def case_export_view(request: HttpRequest, case) -> HttpResponseBase:
    """GET explains what the ZIP holds; POST builds it and sends it."""
    if request.method != "POST":
        return render(request, "operations/case_export.html", {"case": case})
    handle = export_open(case)
    audit_record(action="case.exported", request=request, case=case, obj=case)
    stamp = f"{case.created_at:%Y-%m-%d}"
    return FileResponse(handle, as_attachment=True, filename=f"second-opinion-case-{stamp}.zip")
