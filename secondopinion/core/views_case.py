"""The owner downloads everything in their case as one ZIP."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render

from secondopinion.accounts.access import case_view
from secondopinion.accounts.audit import audit_record
from secondopinion.core.export import case_export


@case_view(owner=True)
def case_export_view(request: HttpRequest, case) -> HttpResponse:
    """GET explains what the ZIP holds; POST builds it and sends it.

    The ZIP is built in the temp folder and unlinked as soon as it is open, so nothing with
    health details stays on disk once the download ends (POSIX keeps the open file readable).
    """
    if request.method != "POST":
        return render(request, "core/case_export.html", {"case": case})
    folder = Path(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir())
    out = folder / f"export-{case.public_id}-{os.getpid()}.zip"
    result = case_export(case=case, out=out)
    handle = result.path.open("rb")
    result.path.unlink()
    audit_record(action="case.exported", request=request, case=case, obj=case)
    stamp = f"{case.created_at:%Y-%m-%d}"
    return FileResponse(handle, as_attachment=True, filename=f"second-opinion-case-{stamp}.zip")
