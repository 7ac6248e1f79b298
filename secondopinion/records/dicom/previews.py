"""A small PNG of one slice of a series, or None when it cannot be drawn. No Django here."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Any

from secondopinion.records.dicom.headers import CappedReader, header_read, is_multi, tag_int

DEFAULT_MAX_PIXELS = 60_000_000


def decoders_warm() -> None:
    """Import pydicom and its pixel decoders now (e.g. in a thread while a disc is being read)."""
    import pydicom.pixels  # noqa: F401, PLC0415 - heavy, off the sniffing path


def preview_png(
    path: str | os.PathLike[str], *, max_pixels: int = DEFAULT_MAX_PIXELS, size: int = 256
) -> bytes | None:
    """A small PNG of one slice (the middle frame when there are several), or None.

    None means "no preview": a compressed transfer syntax we cannot decode, an absurd pixel
    count, a damaged file. It never raises, because a missing preview must not stop an import.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _preview(Path(path), max_pixels=max_pixels, size=size)
    except Exception:  # noqa: BLE001 - any failure simply means no preview
        return None


def _preview(path: Path, *, max_pixels: int, size: int) -> bytes | None:
    import numpy as np  # noqa: PLC0415 - heavy, only for previews
    import pydicom  # noqa: PLC0415 - heavy, off the sniffing path
    from PIL import Image  # noqa: PLC0415 - heavy, only for previews
    from pydicom.pixels import apply_modality_lut  # noqa: PLC0415 - heavy, off the sniffing path

    header = header_read(path)
    if header.rows <= 0 or header.columns <= 0:
        return None
    if header.rows * header.columns > max_pixels:
        return None  # refuse before any pixel is decoded
    file_size = path.stat().st_size
    with open(path, "rb") as raw:
        ds = pydicom.dcmread(CappedReader(raw, file_size))
    frames = tag_int(ds, "NumberOfFrames") or 1
    samples = tag_int(ds, "SamplesPerPixel") or 1
    bits = tag_int(ds, "BitsAllocated") or 8
    # Uncompressed data must really be there: refuse a header that promises more than the file.
    if header.transfer_syntax in (
        "1.2.840.10008.1.2",
        "1.2.840.10008.1.2.1",
        "1.2.840.10008.1.2.2",
    ):
        needed = header.rows * header.columns * samples * max(bits // 8, 1) * frames
        if needed > file_size:
            return None
    if frames > 1:
        from pydicom.pixels import pixel_array  # noqa: PLC0415 - heavy, off the sniffing path

        with open(path, "rb") as raw:
            arr = pixel_array(CappedReader(raw, file_size), index=frames // 2)  # type: ignore[arg-type]
    else:
        arr = ds.pixel_array
    photometric = str(ds.get("PhotometricInterpretation", "MONOCHROME2")).upper()
    if samples == 3 or arr.ndim == 3:
        if arr.dtype != np.uint8:
            arr = _stretch(arr.astype(np.float64), None)
        image = Image.fromarray(arr.astype(np.uint8), "RGB")
    else:
        values = apply_modality_lut(arr, ds).astype(np.float64)
        out = _stretch(values, _window(ds))
        if photometric == "MONOCHROME1":
            out = 255 - out  # MONOCHROME1 shows the lowest value as white
        image = Image.fromarray(out.astype(np.uint8), "L")
    image.thumbnail((size, size))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _window(ds: Any) -> tuple[float, float] | None:
    """The stated display window (center, width), or None when there is no usable one."""
    center, width = ds.get("WindowCenter"), ds.get("WindowWidth")
    try:
        if center is None or width is None:
            return None
        center = float(center[0] if is_multi(center) else center)
        width = float(width[0] if is_multi(width) else width)
    except (TypeError, ValueError, IndexError):
        return None
    if width <= 0:
        return None
    return center, width


def _stretch(values: Any, window: tuple[float, float] | None) -> Any:
    """Map values to 0..255: the stated window when there is one, else the 1st-99th percentile."""
    import numpy as np  # noqa: PLC0415 - heavy, only for previews

    if window is not None:
        center, width = window
        low, high = center - width / 2, center + width / 2
    else:
        low, high = (float(v) for v in np.percentile(values, [1, 99]))
    if high <= low:
        high = low + 1
    scaled = (values - low) / (high - low) * 255.0
    return np.clip(scaled, 0, 255)
