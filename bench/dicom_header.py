"""Header reading: the hand-written `dicom/fast.py` reader against pydicom's own header-only read.

Both read the same first 64 KB of the same synthetic CT slices (512 x 512, as `make_cd.py` makes
them) from memory, as the CD import does, and turn them into the same `InstanceHeader`:

- fast:    `header_from_fields(fast_header(head, complete=False))`
- pydicom: `dcmread(head, stop_before_pixels=True, specific_tags=HEADER_TAGS)` then
           `header_from_fields(_fields_of(ds))` (the fallback `header_read` uses)

    .venv/bin/python bench/dicom_header.py [--files 1000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pydicom
from pydicom.uid import generate_uid

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from make_cd import STUDIES, slice_write  # noqa: E402

from secondopinion.records.dicom.fast import fast_header  # noqa: E402
from secondopinion.records.dicom.headers import (  # noqa: E402
    FAST_BYTES,
    HEADER_TAGS,
    InstanceHeader,
    fields_of,
    header_from_fields,
)


def heads_make(count: int) -> list[bytes]:
    pixels = np.zeros((512, 512), dtype=np.uint16)
    study_uid, series_uid = generate_uid(), generate_uid()
    heads = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "IM"
        for number in range(1, count + 1):
            slice_write(
                path,
                study=STUDIES[0],
                study_uid=study_uid,
                series_uid=series_uid,
                series_number=1,
                series_description="AXIAL",
                body_part="CHEST",
                number=number,
                pixels=pixels,
            )
            with open(path, "rb") as f:
                heads.append(f.read(FAST_BYTES))
    return heads


def read_fast(head: bytes) -> InstanceHeader:
    fields = fast_header(head, complete=False)
    assert fields is not None
    return header_from_fields(fields)


def read_pydicom(head: bytes) -> InstanceHeader:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(io.BytesIO(head), stop_before_pixels=True, specific_tags=HEADER_TAGS)
    return header_from_fields(fields_of(ds))


def best(reader, heads: list[bytes], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for head in heads:
            reader(head)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    heads = heads_make(args.files)
    assert all(read_fast(h) == read_pydicom(h) for h in heads), "the two readers disagree"
    fast = best(read_fast, heads, args.rounds)
    slow = best(read_pydicom, heads, args.rounds)
    per = 1e6 / args.files
    print(f"{args.files} headers, best of {args.rounds} rounds, same run, same bytes")
    print(f"  pydicom dcmread(specific_tags, stop_before_pixels): {slow * per:8.1f} us/file")
    print(f"  dicom_fast.fast_header:                              {fast * per:8.1f} us/file")
    print(f"  dicom_fast is {slow / fast:.1f}x faster ({(slow - fast) * per:.1f} us saved/file)")


if __name__ == "__main__":
    main()
