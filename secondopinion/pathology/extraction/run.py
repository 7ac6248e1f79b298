"""The public entry point: extract(text) runs every candidate scan and resolves them.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace

from secondopinion.pathology.extraction.core import (
    MAX_CHARS,
    UNCERTAIN,
    Extraction,
    Fact,
    _addendum_starts,
    _ocr_numbers,
    _ocr_words,
)
from secondopinion.pathology.extraction.findings import (
    _ENE,
    _ENE_ANCHOR,
    _LVI,
    _LVI_ANCHOR,
    _PNI,
    _PNI_ANCHOR,
    _margin_candidates,
    _presence_candidates,
)
from secondopinion.pathology.extraction.markers import (
    _driver_candidates,
    _gleason_candidates,
    _her2_candidates,
    _ki67_candidates,
    _mmr_candidates,
    _msi_candidates,
    _pdl1_candidates,
    _receptor_candidates,
)
from secondopinion.pathology.extraction.nodes import _node_candidates
from secondopinion.pathology.extraction.resolve import (
    _cancer,
    _derive_grade_group,
    _derive_mmr,
    _derive_nodes,
    _merge_prefixes,
    _resolve,
    _resolve_tnm,
)
from secondopinion.pathology.extraction.site import (
    _histology_candidates,
    _laterality_candidates,
    _resolve_histology,
    _site_candidates,
    _specimen_candidates,
)
from secondopinion.pathology.extraction.t_words import derive_t
from secondopinion.pathology.extraction.tnm import (
    _CORRECTION_BEFORE,
    _edition_candidates,
    _stage_candidates,
    _tnm_candidates,
)
from secondopinion.pathology.extraction.tumour import (
    _focality_candidates,
    _grade_candidates,
    _size_candidates,
)

# ---------------------------------------------------------------------------------------
# Public entry point

_Extractor = Callable[[str], list[Fact]]
_EXTRACTORS: tuple[_Extractor, ...] = (
    _tnm_candidates,
    _stage_candidates,
    _edition_candidates,
    _node_candidates,
    lambda t: _presence_candidates(t, "lvi", _LVI, _LVI_ANCHOR),
    lambda t: _presence_candidates(t, "pni", _PNI, _PNI_ANCHOR),
    lambda t: _presence_candidates(t, "ene", _ENE, _ENE_ANCHOR),
    _margin_candidates,
    _size_candidates,
    _grade_candidates,
    _focality_candidates,
    _specimen_candidates,
    _site_candidates,
    _histology_candidates,
    _receptor_candidates,
    _her2_candidates,
    _ki67_candidates,
    _gleason_candidates,
    _mmr_candidates,
    _msi_candidates,
    _pdl1_candidates,
    _driver_candidates,
)


MAX_CANDIDATES = 300


def _cap_per_field(found: list[Fact]) -> list[Fact]:
    counts: dict[str, int] = {}
    out = []
    for f in sorted(found, key=lambda f: f.start):
        counts[f.field] = counts.get(f.field, 0) + 1
        if counts[f.field] <= MAX_CANDIDATES:
            out.append(f)
    return out


def _correction(text: str, f: Fact) -> int:
    return 1 if _CORRECTION_BEFORE.search(text, max(0, f.start - 40), f.start) else 0


_INTERNAL = {"nodes_fraction", "margin_distance", "mmr_protein"}


def _from_original(work: str, words: str, found: list[Fact]) -> list[Fact]:
    """Facts read from the OCR-mended copy keep the original words as their text."""
    if words is work:
        return found
    return [replace(f, text=work[f.start : f.end]) for f in found]


def _candidates(work: str, read: str) -> list[Fact]:
    """Candidates read from `read` (the same length as `work`), with words from `work`."""
    addenda = _addendum_starts(work)
    words = _ocr_words(read)
    cands: list[Fact] = []
    for fn in _EXTRACTORS:
        source = read if fn is _tnm_candidates else words
        found = _from_original(work, source, fn(source))
        # A real report has a handful of candidates per field; garbage can have thousands.
        # Keeping the first few hundred bounds the work that follows.
        if len(found) > MAX_CANDIDATES:
            found = _cap_per_field(found)
        cands.extend(found)
    return [
        replace(f, addendum=bisect.bisect_right(addenda, f.start) + _correction(work, f))
        for f in cands
    ]


def _resolve_field(name: str, group: list[Fact]) -> Fact | None:
    if name == "histology":
        return _resolve_histology(group)
    if name in ("specimen", "site", "grade", "focality"):
        # These rarely change in an addendum, and an addendum that mentions "carcinoma"
        # in passing must not replace "urothelial carcinoma": best wording wins instead.
        flat = [replace(f, addendum=0) for f in group] if name != "grade" else group
        return _resolve(flat, conflict_uncertain=False)
    return _resolve(group)


def _resolve_fields(by_field: dict[str, list[Fact]]) -> dict[str, Fact]:
    fields: dict[str, Fact] = {}
    for name in ("pT", "pN", "pM"):
        chosen = _resolve_tnm(by_field.get(name, []))
        if chosen:
            fields[name] = chosen
    for name, group in by_field.items():
        if name in fields or name in _INTERNAL or name in ("pT", "pN", "pM"):
            continue
        chosen = _resolve_field(name, group)
        if chosen:
            fields[name] = chosen
    return fields


def _add_laterality(work: str, fields: dict[str, Fact]) -> None:
    """Laterality needs the chosen site."""
    lat_cands = _laterality_candidates(work, fields.get("site"))
    lat = _resolve(lat_cands)
    site = fields.get("site")
    if lat and lat.status != UNCERTAIN and site is not None and lat.rank == 2:
        # The same side is written several times: show the words next to the chosen site.
        same = [f for f in lat_cands if f.value == lat.value and f.rank == 2]
        lat = replace(min(same, key=lambda f: abs(f.start - site.start)), superseded=lat.superseded)
    if lat:
        fields["laterality"] = replace(lat, addendum=0)


def _add_margin_distance(by_field: dict[str, list[Fact]], fields: dict[str, Fact]) -> None:
    margins = fields.get("margins")
    distance = _resolve(by_field.get("margin_distance", []))
    if margins and distance and "closest_mm" not in margins.details:
        fields["margins"] = replace(
            margins, details={**margins.details, "closest_mm": distance.value}
        )


def _read_as(f: Fact) -> tuple[object, int, int]:
    return f.value, f.start, f.end


def _mark_unclear(work: str, unclear: tuple[int, ...], fields: dict[str, Fact]) -> None:
    """A fact read through a digit-like letter is uncertain: the letter may be no digit.

    Marked where its words hold such a letter, or where it differs from what the text gives
    without the mending (a derived fact, a count summed from a mended number)."""
    typed = extract(work).fields
    for name, f in list(fields.items()):
        n = sum(1 for i in unclear if f.start <= i < f.end)
        before = typed.get(name)
        if not n and before is not None and _read_as(before) == _read_as(f):
            continue
        fields[name] = replace(
            f, status=UNCERTAIN, details={**f.details, "unclear_characters": max(n, 1)}
        )


def extract(text: str, *, scanned: bool = False) -> Extraction:
    """Extract pathology facts from report text. Offsets refer to ``text`` as given.

    ``scanned``: the text was read from a scan by OCR, so a digit-like letter inside a number
    ("2l%") is read as the digit, and the fact is marked uncertain."""
    if not isinstance(text, str):
        raise TypeError("extract() takes the report text as a string")
    truncated = len(text) > MAX_CHARS
    work = text[:MAX_CHARS] if truncated else text
    read, unclear = _ocr_numbers(work) if scanned else (work, ())
    cands = _candidates(work, read)
    by_field: dict[str, list[Fact]] = {}
    for f in cands:
        by_field.setdefault(f.field, []).append(f)
    fields = _resolve_fields(by_field)
    _add_laterality(work, fields)
    prefix = _merge_prefixes(fields.get("pT"), work)
    if prefix:
        fields["tnm_prefixes"] = prefix
    _add_margin_distance(by_field, fields)
    _derive_nodes(work, cands, fields)
    _derive_grade_group(fields)
    _derive_mmr(work, cands, fields)
    # Internal ranking details stay internal.
    for name, f in list(fields.items()):
        if f.details.get("definition") or f.details.get("prefixes") is not None:
            d = {k: v for k, v in f.details.items() if k not in ("definition",)}
            fields[name] = replace(f, details=d)
    cancer = _cancer(fields)
    if "pT" not in fields:
        words = _ocr_words(read)
        derived_t = derive_t(words, fields, cancer)
        if derived_t is not None:
            fields["pT"] = _from_original(work, words, [derived_t])[0]
    if unclear:
        _mark_unclear(work, unclear, fields)
    return Extraction(fields=fields, cancer=cancer, truncated=truncated)
