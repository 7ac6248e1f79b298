"""The scan viewer's services: which file and frame is slice N of a series, and that slice drawn.

Slices are a series' images in the scanner's order (instance number, then the file's place on the
disc); a series of one multi-frame file steps through its frames. Each drawn slice is kept in the
private slice cache (`settings.VIEWER_CACHE_DIR`, bounded by `VIEWER_CACHE_BYTES`), one folder per
case, so it is drawn once and removed with the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F

from secondopinion.core.vault import local_copy
from secondopinion.records import slices
from secondopinion.records.models import ImagingInstance, ImagingSeries
from secondopinion.records.slicecache import Cached, SliceCache

RENDER_VERSION = "1"  # change to draw every cached slice again after a change to the renderer


@dataclass(frozen=True)
class SliceRef:
    stored_name: str
    frame: int


def cache() -> SliceCache:
    return SliceCache(settings.VIEWER_CACHE_DIR, max_bytes=settings.VIEWER_CACHE_BYTES)


def series_slices(series: ImagingSeries) -> list[SliceRef]:
    names = list(
        ImagingInstance.objects.filter(series=series)
        .order_by(F("instance_number").asc(nulls_last=True), "original_path", "pk")
        .values_list("stored_name", flat=True)
    )
    if len(names) != 1:
        return [SliceRef(name, 0) for name in names]
    try:
        with local_copy(names[0]) as path:
            frames = slices.frame_count(path)
    except (slices.SliceProblem, FileNotFoundError):
        frames = 1
    return [SliceRef(names[0], frame) for frame in range(frames)]


def window_choices(modality: str) -> list[tuple[str, str]]:
    """(key, label) of the windows offered for a series: CT presets first, for CT only."""
    choices = []
    if modality.upper() == "CT":
        choices = [(p.key, f"{p.label} (W{p.width:g} L{p.center:g})") for p in slices.CT_PRESETS]
    choices += [
        (slices.FILE_WINDOW, "As saved in the file"),
        (slices.AUTO_WINDOW, "Automatic"),
    ]
    return choices


def slice_get(*, case, ref: SliceRef, window: str) -> Cached:
    """The slice drawn (from the cache, or drawn now and kept); `SliceProblem` when it cannot be."""
    group = case.public_id.hex
    key = hashlib.sha256(
        f"{RENDER_VERSION}:{ref.stored_name}:{ref.frame}:{window}".encode()
    ).hexdigest()[:40]
    store = cache()
    found = store.get(group, key)
    if found is not None:
        return found
    try:
        with local_copy(ref.stored_name) as path:
            image = slices.slice_render(path, frame=ref.frame, window=window)
    except FileNotFoundError:
        raise slices.SliceProblem("This picture's file is missing from storage.") from None
    meta = {
        "width": image.width,
        "height": image.height,
        "position_mm": image.position_mm,
        "window": list(image.window) if image.window else None,
        "window_source": image.window_source,
    }
    path = store.put(group, key, png=image.png, meta=meta)
    return Cached(png_path=path, meta=meta)
