"""JSONL batch mode for the extractor (pure; the management command is a thin wrapper).

Each input line is ``{"id": ..., "text": ...}``; each output line is
``{"id": ..., "fields": {...}}`` in the same order, or ``{"id": ..., "error": "..."}`` for a
line that cannot be read. One bad line never stops the batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from secondopinion.core.jsonl import jsonl_dumps, jsonl_each, jsonl_object

from .extractor import extract

MAX_LINE_CHARS = 5_000_000  # a line longer than this is refused, not parsed


def batch_record(line: str, *, line_number: int = 0) -> dict[str, Any]:
    """Turn one JSONL input line into one output object (never raises for bad input)."""
    obj, error = jsonl_object(line, line_number=line_number, max_chars=MAX_LINE_CHARS)
    if obj is None:
        return error
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
    return jsonl_each(lines, batch_record)


batch_dumps = jsonl_dumps
