"""JSONL batch mode for the extractor (pure; the management command is a thin wrapper).

Each input line is ``{"id": ..., "text": ...}``; each output line is
``{"id": ..., "fields": {...}}`` in the same order, or ``{"id": ..., "error": "..."}`` for a
line that cannot be read. One bad line never stops the batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .extractor import extract

MAX_LINE_CHARS = 5_000_000  # a line longer than this is refused, not parsed


def batch_record(line: str, *, line_number: int = 0) -> dict[str, Any]:
    """Turn one JSONL input line into one output object (never raises for bad input)."""
    if len(line) > MAX_LINE_CHARS:
        return {"id": None, "error": f"line {line_number}: longer than {MAX_LINE_CHARS} characters"}
    try:
        obj = json.loads(line)
    except (ValueError, RecursionError):
        return {"id": None, "error": f"line {line_number}: not valid JSON"}
    if not isinstance(obj, dict):
        return {"id": None, "error": f"line {line_number}: expected a JSON object"}
    record_id = obj.get("id")
    text = obj.get("text")
    if not isinstance(text, str):
        return {"id": record_id, "error": 'missing "text" string'}
    if not text.strip():
        return {"id": record_id, "error": "empty text"}
    result = extract(text).as_dict()
    return {"id": record_id, **result}


def batch_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield one output object per non-blank input line, in order."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        yield batch_record(line, line_number=number)


def batch_dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
