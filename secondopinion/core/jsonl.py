"""The JSONL batch loop shared by the batch commands (pure, no Django).

`pathology extract --jsonl` and `plans compare --jsonl` read one JSON object a line and write one
a line, in order. Each line stands alone: a line that is too long, not JSON or not an object
becomes `{"id": null, "error": "..."}` and the batch goes on. Blank lines are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

Record = dict[str, Any]


def jsonl_object(line: str, *, line_number: int, max_chars: int) -> tuple[Record | None, Record]:
    """(the line's object, None-error) or (None, its error record)."""
    if len(line) > max_chars:
        return None, {
            "id": None,
            "error": f"line {line_number}: longer than {max_chars} characters",
        }
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return None, {"id": None, "error": f"line {line_number}: not valid JSON"}
    if not isinstance(obj, dict):
        return None, {"id": None, "error": f"line {line_number}: expected a JSON object"}
    return obj, {}


def jsonl_each(lines: Iterable[str], record: Callable[..., Record]) -> Iterator[Record]:
    """`record(line, line_number=n)` for each non-blank line, in order."""
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield record(line, line_number=number)


def jsonl_dumps(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
