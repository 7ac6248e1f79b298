"""Pathology report extractor: report text in, structured facts with evidence out.

Pure module (no Django). Every fact carries the exact source span it came from, so the
product can highlight it and a patient can check it. Rules, not a model:

* A fact that is not stated is absent. Nothing is guessed.
* A fact may be *derived* only by an unambiguous rule from stated words (pN0 when every
  counted lymph node is negative, grade group from a Gleason score, ...). It is then marked
  ``derived`` and its span points at the words it was derived from.
* When an addendum restates a fact, the latest addendum wins; the earlier value is kept in
  ``superseded`` so the interface can show both.
* When the report states two different values that no addendum reconciles (two tumours, a
  typo), the fact is marked ``uncertain`` and the other values are kept in ``alternatives``.

Input is capped (``MAX_CHARS``) and every regular expression is written without nested
unbounded quantifiers, so a huge or garbage text finishes in bounded, linear time.

The rules live in ``secondopinion.pathology.extraction`` by concern (core, tnm, nodes,
findings, tumour, site, markers, resolve, run); this module is the stable import path.
"""

from secondopinion.pathology.extraction.core import (
    DERIVED,
    FIELDS,
    MAX_CHARS,
    STATED,
    UNCERTAIN,
    Extraction,
    Fact,
)
from secondopinion.pathology.extraction.run import extract
from secondopinion.pathology.extraction.site import _HISTOLOGIES, _PROCEDURES

__all__ = [
    "DERIVED",
    "FIELDS",
    "MAX_CHARS",
    "STATED",
    "UNCERTAIN",
    "Extraction",
    "Fact",
    "_HISTOLOGIES",
    "_PROCEDURES",
    "extract",
]
