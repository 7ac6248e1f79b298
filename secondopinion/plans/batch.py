"""JSONL batch mode for the plan comparer (pure; the management command is a thin wrapper).

Each input line is ``{"id", "cancer", "first_plan", "opinion"}``; each output line is
``{"id", "first", "opinion", "differences", "unread"}`` in the same order (CONTRACT.md), or
``{"id": ..., "error": "..."}`` for a line that cannot be read. One bad line never stops the
batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from secondopinion.core.jsonl import jsonl_dumps, jsonl_each, jsonl_object

from .comparer import compare_plans
from .reader import read_plan

MAX_LINE_CHARS = 2_000_000  # a line longer than this is refused, not parsed


def batch_record(line: str, *, line_number: int = 0) -> dict[str, Any]:
    """Turn one JSONL input line into one output object (never raises for bad input)."""
    obj, error = jsonl_object(line, line_number=line_number, max_chars=MAX_LINE_CHARS)
    if obj is None:
        return error
    record_id = obj.get("id")
    first, opinion = obj.get("first_plan"), obj.get("opinion")
    missing = [
        name
        for name, value in (("first_plan", first), ("opinion", opinion))
        if not isinstance(value, str)
    ]
    if missing or not isinstance(first, str) or not isinstance(opinion, str):
        return {"id": record_id, "error": "missing " + " and ".join(f'"{m}" text' for m in missing)}
    cancer = obj.get("cancer") if isinstance(obj.get("cancer"), str) else None
    try:
        a = read_plan(first, cancer)
        b = read_plan(opinion, cancer)
        comparison = compare_plans(a, b)
    except Exception as exc:  # noqa: BLE001 - one bad line must not stop the batch
        return {"id": record_id, "error": f"could not read this pair ({type(exc).__name__})"}
    unread = list(dict.fromkeys([*a.unread, *b.unread]))
    return {
        "id": record_id,
        "first": [c.to_dict() for c in a.components],
        "opinion": [c.to_dict() for c in b.components],
        "differences": [d.to_dict() for d in comparison.differences],
        "unread": unread,
    }


def batch_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Yield one output object per non-blank input line, in order."""
    return jsonl_each(lines, batch_record)


batch_dumps = jsonl_dumps
