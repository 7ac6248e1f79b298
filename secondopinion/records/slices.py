"""One slice of a scan as a picture, for the scan viewer: a look, not a diagnostic viewer.

`slice_render(path, frame=0, window="file")` reads one stored DICOM file and returns a PNG of one
frame with its position, or raises `SliceProblem` with plain words. The steps:

1. the header alone (no pixels) through a reader that cannot be made to allocate more than the file
   holds; a picture over `max_pixels` is refused before any pixel is decoded;
2. one frame decoded (pydicom's `pixel_array(..., index=frame)` reads only that frame's bytes);
3. the modality LUT (Rescale Slope / Intercept: CT values become Hounsfield units);
4. a window (the DICOM linear VOI function, PS3.3 C.11.2.1.2.1): a CT preset, the file's own
   WindowCenter / WindowWidth, or, when the file states none, its 1st to 99th percentile;
5. MONOCHROME1 inverted (its lowest value is white); colour pictures are shown as they are;
6. scaled down to `max_side` at most, written as PNG.

A compressed transfer syntax this installation has no decoder for, missing pixel data or a damaged
file each give their own plain message. No Django here.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
from PIL import Image

DEFAULT_MAX_PIXELS = 40_000_000  # one frame; a 6,000 x 6,000 mammogram fits
DEFAULT_MAX_SIDE = 1024
FILE_WINDOW = "file"
AUTO_WINDOW = "auto"
UNCOMPRESSED = {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.2"}


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    center: float
    width: float
    shows: str  # what this window is good at showing, in plain words


# Standard CT windows in Hounsfield units (Radiopaedia, "Windowing (CT)"): soft tissue W400 L40
# (W350-400 L20-60 in use), lung W1500 L-600, bone W1800 L400.
CT_PRESETS = (
    Preset("soft", "Soft tissue", 40, 400, "organs, muscle and fat"),
    Preset("lung", "Lung", -600, 1500, "the air spaces of the lungs"),
    Preset("bone", "Bone", 400, 1800, "bones"),
)
PRESETS = {preset.key: preset for preset in CT_PRESETS}
WINDOW_KEYS = (*PRESETS, FILE_WINDOW, AUTO_WINDOW)


class SliceProblem(Exception):
    """A slice that cannot be shown. `message` is plain words for the patient."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SliceImage:
    png: bytes
    width: int  # of the PNG
    height: int
    rows: int
    columns: int
    frames: int
    position_mm: float | None  # ImagePositionPatient z, else SliceLocation
    window: tuple[float, float] | None  # (center, width) used; None for colour pictures
    window_source: str  # a preset key, "file", "auto" or "color"


class _CappedReader(io.RawIOBase):
    """A file that never hands out more bytes than it holds, so a header declaring a 4 GB element
    cannot make a read allocate 4 GB."""

    def __init__(self, fp: BinaryIO, size: int) -> None:
        self._fp = fp
        self._size = size
        self._at = fp.tell()  # kept here: asking the file for it on every read is slow
        self.name = getattr(fp, "name", "")

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        left = max(self._size - self._at, 0)
        if n is None or n < 0 or n > left:
            n = left
        data = self._fp.read(n)
        self._at += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        self._at = self._fp.seek(offset, whence)
        return self._at

    def tell(self) -> int:
        return self._at


def window_apply(values: np.ndarray, *, center: float, width: float) -> np.ndarray:
    """0..255 from `values` by the DICOM linear window (PS3.3 C.11.2.1.2.1).

    Below c - 0.5 - (w - 1) / 2 is black, above c - 0.5 + (w - 1) / 2 is white, and in between
    ((x - (c - 0.5)) / (w - 1) + 0.5) * 255. A width under 1 is treated as 1 (a hard threshold).
    """
    width = max(float(width), 1.0)
    if width == 1.0:
        return np.where(values <= center - 0.5, 0, 255).astype(np.uint8)
    # The same formula as one multiply and one add, in float32, in a new array.
    gain = np.float32(255.0 / (width - 1.0))
    offset = np.float32((0.5 - (center - 0.5) / (width - 1.0)) * 255.0)
    scaled = values.astype(np.float32) * gain
    scaled += offset
    np.clip(scaled, 0, 255, out=scaled)
    return scaled.astype(np.uint8)


def window_auto(values: np.ndarray) -> tuple[float, float]:
    """A window over the 1st to 99th percentile, for pictures that state none."""
    low, high = (float(v) for v in np.percentile(values, [1, 99]))
    if high <= low:
        high = low + 1
    return (low + high) / 2, high - low + 1


def window_of_file(ds: Any) -> tuple[float, float] | None:
    """The first WindowCenter / WindowWidth the file states, or None."""
    center, width = ds.get("WindowCenter"), ds.get("WindowWidth")
    if center is None or width is None:
        return None
    try:
        center = float(center[0] if _is_multi(center) else center)
        width = float(width[0] if _is_multi(width) else width)
    except (TypeError, ValueError, IndexError):
        return None
    if not np.isfinite(center) or not np.isfinite(width) or width <= 0:
        return None
    return center, width


def _is_multi(value: Any) -> bool:
    return isinstance(value, list | tuple) or type(value).__name__ == "MultiValue"


def position_of(ds: Any) -> float | None:
    """Where the slice sits along the body, in mm: ImagePositionPatient z, else SliceLocation."""
    position = ds.get("ImagePositionPatient")
    try:
        if position is not None and len(position) == 3:
            return round(float(position[2]), 2)
    except (TypeError, ValueError):
        pass
    location = ds.get("SliceLocation")
    try:
        return round(float(location), 2) if location is not None else None
    except (TypeError, ValueError):
        return None


def _int(ds: Any, keyword: str, default: int) -> int:
    try:
        value = ds.get(keyword)
        return int(value) if value is not None and value != "" else default
    except (TypeError, ValueError):
        return default


def _float(ds: Any, keyword: str, default: float) -> float:
    try:
        value = ds.get(keyword)
        result = float(value) if value is not None and value != "" else default
    except (TypeError, ValueError):
        return default
    return result if np.isfinite(result) else default


def header_read(path: Path) -> Any:
    """The header of one stored DICOM file, without its pixels."""
    import pydicom  # noqa: PLC0415 - heavy; pages that never render a slice never load it

    size = path.stat().st_size
    try:
        with open(path, "rb") as raw:
            return pydicom.dcmread(_CappedReader(raw, size), stop_before_pixels=True)
    except Exception as error:  # noqa: BLE001 - any parsing failure is the same plain answer
        raise SliceProblem(
            "This file could not be read as a scan picture. It may be damaged."
        ) from error


def frame_count(path: Path) -> int:
    """How many frames (pictures) one file holds; at least 1."""
    return max(_int(header_read(path), "NumberOfFrames", 1), 1)


def _syntax_problem(transfer_syntax: str) -> str | None:
    """A plain message when the pixels are compressed in a format this installation cannot open."""
    from pydicom.pixels import get_decoder  # noqa: PLC0415 - heavy, see header_read
    from pydicom.uid import UID  # noqa: PLC0415 - heavy, see header_read

    if not transfer_syntax or transfer_syntax in UNCOMPRESSED:
        return None
    uid = UID(transfer_syntax)
    try:
        available = get_decoder(uid).is_available
    except (NotImplementedError, ValueError):
        available = False
    if available:
        return None
    name = uid.name if uid.is_transfer_syntax else "an unknown format"
    return (
        f"This picture is stored compressed ({name}), and this copy of the app has no way to "
        "open that format, so it cannot be shown here. The file itself is kept unchanged for the "
        "reviewing doctor."
    )


def _checked_header(path: Path, *, frame: int, max_pixels: int) -> tuple[Any, int, int, int]:
    ds = header_read(path)
    rows, columns = _int(ds, "Rows", 0), _int(ds, "Columns", 0)
    frames = max(_int(ds, "NumberOfFrames", 1), 1)
    if rows <= 0 or columns <= 0:
        raise SliceProblem("This file holds no picture (it has no pixel data), only information.")
    if rows * columns > max_pixels:
        raise SliceProblem(
            f"This picture is too large to show here ({columns:,} by {rows:,} pixels). "
            "The file itself is kept unchanged for the reviewing doctor."
        )
    if not 0 <= frame < frames:
        raise SliceProblem("There is no such picture in this file.")
    meta = getattr(ds, "file_meta", None)
    problem = _syntax_problem(str(meta.get("TransferSyntaxUID", "")) if meta is not None else "")
    if problem:
        raise SliceProblem(problem)
    return ds, rows, columns, frames


def _pixels(path: Path, *, frame: int, frames: int) -> np.ndarray:
    from pydicom.pixels import pixel_array  # noqa: PLC0415 - heavy, see header_read

    size = path.stat().st_size
    try:
        with open(path, "rb") as raw:
            return pixel_array(_CappedReader(raw, size), index=frame if frames > 1 else None)  # type: ignore[arg-type]
    except AttributeError as error:
        if "PixelData" in str(error) or "Pixel Data" in str(error):
            raise SliceProblem(
                "This file holds no picture (it has no pixel data), only information."
            ) from error
        raise SliceProblem("This picture could not be read: the file may be damaged.") from error
    except Exception as error:  # noqa: BLE001 - decoders raise many kinds; all mean the same
        raise SliceProblem("This picture could not be read: the file may be damaged.") from error


def _grey(
    arr: np.ndarray, ds: Any, *, window: str, modality: str
) -> tuple[np.ndarray, tuple[float, float], str]:
    from pydicom.pixels import apply_modality_lut  # noqa: PLC0415 - heavy, see header_read

    if "ModalityLUTSequence" in ds:
        values = apply_modality_lut(arr, ds).astype(np.float32, copy=False)
    else:  # Rescale Slope / Intercept, in place in float32: a quarter of pydicom's float64 time
        values = arr.astype(np.float32)
        slope = _float(ds, "RescaleSlope", 1.0)
        intercept = _float(ds, "RescaleIntercept", 0.0)
        if slope != 1.0:
            values *= slope
        if intercept != 0.0:
            values += intercept
    chosen: tuple[float, float] | None = None
    source = AUTO_WINDOW
    preset = PRESETS.get(window)
    if preset is not None and modality == "CT":
        chosen, source = (preset.center, preset.width), preset.key
    elif window != AUTO_WINDOW:
        chosen = window_of_file(ds)
        source = FILE_WINDOW if chosen is not None else AUTO_WINDOW
        if chosen is None and modality == "CT":  # CT without a stated window: soft tissue
            soft = PRESETS["soft"]
            chosen, source = (soft.center, soft.width), soft.key
    if chosen is None:
        chosen = window_auto(values)
    out = window_apply(values, center=chosen[0], width=chosen[1])
    if str(ds.get("PhotometricInterpretation", "")).strip().upper() == "MONOCHROME1":
        out = 255 - out  # MONOCHROME1 shows its lowest value as white
    return out, chosen, source


def slice_render(
    path: str | os.PathLike[str],
    *,
    frame: int = 0,
    window: str = FILE_WINDOW,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> SliceImage:
    """One frame of one DICOM file as a PNG; `SliceProblem` (plain words) when it cannot be."""
    path = Path(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about every odd header; none matter here
        ds, rows, columns, frames = _checked_header(path, frame=frame, max_pixels=max_pixels)
        arr = _pixels(path, frame=frame, frames=frames)
        if arr.ndim == 3 and arr.shape[-1] == 3:
            if arr.dtype != np.uint8:
                low, high = float(arr.min()), float(arr.max())
                arr = ((arr - low) / max(high - low, 1) * 255).astype(np.uint8)
            image = Image.fromarray(np.ascontiguousarray(arr), "RGB")
            used, source = None, "color"
        elif arr.ndim == 2:
            modality = str(ds.get("Modality", "")).strip().upper()
            grey, used, source = _grey(arr, ds, window=window, modality=modality)
            image = Image.fromarray(grey, "L")
        else:
            raise SliceProblem("This picture has a layout this viewer cannot show.")
    del arr
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return SliceImage(
        png=buffer.getvalue(),
        width=image.size[0],
        height=image.size[1],
        rows=rows,
        columns=columns,
        frames=frames,
        position_mm=position_of(ds),
        window=used,
        window_source=source,
    )
