"""Cut an agreement into plain and highlighted pieces for a page (pure, no Django).

Templates escape every piece, so nothing in the agreement is ever rendered as markup.
"""

from __future__ import annotations

from typing import Any


def highlight_pieces(source: str, clauses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """[{"text", "mark": bool, "flags", "kind", "n"}] covering ``source`` in order, no overlap.

    Several kinds may share one sentence; it is highlighted once, with every kind named.
    """
    spans: dict[tuple[int, int], dict[str, Any]] = {}
    for clause in clauses:
        key = (clause["start"], clause["end"])
        entry = spans.setdefault(key, {"kinds": [], "flags": set()})
        entry["kinds"].append(clause["kind"])
        entry["flags"].update(clause["flags"])
    pieces: list[dict[str, Any]] = []
    at = 0
    for n, ((start, end), entry) in enumerate(sorted(spans.items()), start=1):
        if start < at:
            continue  # overlapping spans cannot come from the reader; skip rather than garble
        if start > at:
            pieces.append({"text": source[at:start], "mark": False})
        pieces.append(
            {
                "text": source[start:end],
                "mark": True,
                "kinds": entry["kinds"],
                "flags": sorted(entry["flags"]),
                "n": n,
            }
        )
        at = end
    if at < len(source):
        pieces.append({"text": source[at:], "mark": False})
    return pieces
