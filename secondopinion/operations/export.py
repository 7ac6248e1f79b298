"""Everything one case holds, in one ZIP the patient can keep: records as JSON plus the files.

Which records belong to a case is found by walking the models, not by a list kept by hand: every
model with a foreign key to Case, then every model with a foreign key to those, and so on. A new
app's data is therefore exported without anyone remembering to add it.

The ZIP carries `manifest.json` and `SHA256SUMS` in the same format as the review packet
(opinions/packet.py), so `packet_verify` checks an export too, and so does `sha256sum -c` on the
unpacked folder. Each stored file is hashed while it is copied and compared with the digest
recorded at upload; a file that changed or went missing is listed under "problems" in the
manifest instead of stopping the export (getting one's data out must not depend on every byte).

Layout:
    records/case.json                       the case itself
    records/<app>.<model>.json              one file per model, a list of rows
    files/<storage name>                    the original bytes, under their stored name
    manifest.json, SHA256SUMS
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from secondopinion.cases.models import Case
from secondopinion.core import vault
from secondopinion.operations.filerefs import StoredRef, stored_refs
from secondopinion.opinions.packet import MANIFEST_NAME, SUMS_NAME, sums_line

EXPORT_FORMAT = "secondopinion-export/1"
EXPORT_MODEL = "operations.CaseExport"  # the web export's own ZIP (operations/exporting.py)
# Secrets are never exported, even hashed: a passcode hash could be guessed offline.
SECRET_FIELD_SUFFIXES = ("_hash", "password")


def case_models_walk(case) -> dict[type[models.Model], models.QuerySet]:
    """Every model holding rows of this case, with a queryset of those rows (Case included)."""
    found: dict[type[models.Model], set] = {Case: {case.pk}}
    queue: deque[type[models.Model]] = deque([Case])
    expanded: set[type[models.Model]] = set()
    while queue:
        parent = queue.popleft()
        if parent in expanded:
            continue
        expanded.add(parent)
        parent_pks = found[parent]
        for relation in parent._meta.related_objects:
            if relation.many_to_many or not relation.field.concrete:
                continue
            child = cast("type[models.Model]", relation.related_model)  # never 'self' here
            if child._meta.auto_created or child._meta.swapped:
                continue
            pks = set(
                child._default_manager.filter(
                    **{f"{relation.field.name}__in": parent_pks}
                ).values_list("pk", flat=True)
            )
            found.setdefault(child, set()).update(pks)
            if child not in expanded:
                queue.append(child)
    return {
        model: model._default_manager.filter(pk__in=pks).order_by("pk")
        for model, pks in found.items()
        if pks
    }


def _rows(queryset: models.QuerySet) -> list[dict]:
    rows = serializers.serialize("python", queryset)
    for row in rows:
        for name in list(row["fields"]):
            if name.endswith(SECRET_FIELD_SUFFIXES):
                del row["fields"][name]
    return rows


@dataclass
class ExportResult:
    path: Path
    records: int
    files: int
    problems: list[str] = field(default_factory=list)


def _zinfo(arcname: str, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _file_copy(
    zf: zipfile.ZipFile, storage: vault.Storage, ref: StoredRef, arcname: str, when: datetime
) -> vault.ZipCopy:
    info = _zinfo(arcname, when)
    info.compress_type = zipfile.ZIP_STORED  # PDFs, images and DICOM barely shrink
    with vault.stored_open(ref.name, storage=storage) as source:
        return vault.zip_copy(zf, info, source, sha256=ref.sha256, size=ref.size)


def case_export(
    *,
    case,
    out: Path,
    storage: vault.Storage | None = None,
    created: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportResult:
    """Write the case's ZIP at `out` (atomically: a temporary name, flushed, then renamed).
    `progress(files done, files in all)` is told after each stored file."""
    storage = storage or vault.site_storage()
    created = created or datetime.now(UTC)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    walked = case_models_walk(case)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    files: list[dict] = []
    problems: list[str] = []
    record_count = 0
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
            record_files = []
            for model, queryset in sorted(walked.items(), key=lambda kv: kv[0]._meta.label):
                rows = _rows(queryset)
                record_count += len(rows)
                arcname = (
                    "records/case.json"
                    if model._meta.label_lower == "cases.case"
                    else f"records/{model._meta.label_lower}.json"
                )
                data = json.dumps(rows, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
                blob = data.encode()
                zf.writestr(_zinfo(arcname, created), blob)
                entry = {
                    "path": arcname,
                    "type": "records",
                    "model": model._meta.label,
                    "rows": len(rows),
                    "size": len(blob),
                    "sha256": hashlib.sha256(blob).hexdigest(),
                }
                record_files.append(entry)
            refs = _refs(case)
            for done, ref in enumerate(refs, start=1):
                if progress is not None:
                    progress(done - 1, len(refs))
                arcname = f"files/{ref.name}"
                if not vault.stored_exists(ref.name, storage=storage):
                    problems.append(f"{arcname}: missing from storage ({ref.model} #{ref.pk})")
                    continue
                copy = _file_copy(zf, storage, ref, arcname, created)
                if not copy.expected:
                    problems.append(f"{arcname}: changed since it was stored ({ref.model})")
                files.append(
                    {
                        "path": arcname,
                        "type": "file",
                        "model": ref.model,
                        "pk": ref.pk,
                        "field": ref.field,
                        "size": copy.size,
                        "sha256": copy.sha256,
                    }
                )
            manifest: dict[str, Any] = {
                "format": EXPORT_FORMAT,
                "created": created.isoformat(timespec="seconds"),
                "case": str(case.public_id),
                "records": record_count,
                "problems": problems,
                "files": record_files + files,
            }
            manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            zf.writestr(_zinfo(MANIFEST_NAME, created), manifest_bytes)
            sums = [sums_line(item["sha256"], item["path"]) for item in manifest["files"]]
            sums.append(sums_line(hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST_NAME))
            zf.writestr(_zinfo(SUMS_NAME, created), "".join(sums).encode())
            zf.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return ExportResult(path=out, records=record_count, files=len(files), problems=problems)


def _refs(case) -> list[StoredRef]:
    """The case's stored files, each once; an earlier export's ZIP is not part of the case."""
    seen: dict[str, StoredRef] = {}
    for ref in stored_refs(case=case):
        if ref.model != EXPORT_MODEL:
            seen.setdefault(ref.name, ref)
    return list(seen.values())
