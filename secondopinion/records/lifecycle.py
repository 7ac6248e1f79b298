"""Files a case holds in the records vault, for deleting a case (see cases.lifecycle)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from secondopinion.records.models import (
    DiscImport,
    Document,
    ImagingInstance,
    ImagingSeries,
    PortalImport,
)
from secondopinion.records.slicecache import SliceCache


def case_files(case) -> list[str]:
    # The viewer's drawn slices are not stored files, but they are this case's pictures: they go
    # with the case (the cache folder is removed once the deletion has committed).
    transaction.on_commit(lambda: _slices_remove(case))
    names = list(Document.objects.filter(case=case).values_list("stored_name", flat=True))
    names += (
        Document.objects.filter(case=case)
        .exclude(kept_original_name="")
        .values_list("kept_original_name", flat=True)
    )
    names += ImagingInstance.objects.filter(case=case).values_list("stored_name", flat=True)
    names += (
        ImagingSeries.objects.filter(study__case=case)
        .exclude(preview_name="")
        .values_list("preview_name", flat=True)
    )
    names += (
        DiscImport.objects.filter(case=case)
        .exclude(upload_name="")
        .values_list("upload_name", flat=True)
    )
    names += (
        PortalImport.objects.filter(case=case)
        .exclude(upload_name="")
        .values_list("upload_name", flat=True)
    )
    return names


def _slices_remove(case) -> None:
    # Built here, not taken from the viewer: the viewer imports numpy and Pillow, which every
    # command would then load at start (this module is imported when the apps register).
    cache = SliceCache(settings.VIEWER_CACHE_DIR, max_bytes=settings.VIEWER_CACHE_BYTES)
    cache.group_remove(case.public_id.hex)
