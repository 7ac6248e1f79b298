"""Lymph node counts: examined, positive, fractions, and words that mean a node holds cancer.

Part of the pathology extractor (pure, no Django); see ``extraction.run.extract``.
"""

from __future__ import annotations

import re

from secondopinion.pathology.extraction.core import (
    _NUMBER_WORD,
    DERIVED,
    Fact,
    _Anchor,
    _fact,
    _finditer_windows,
    _to_int,
    _windows,
)

# ---------------------------------------------------------------------------------------
# Lymph nodes

_NODE_FRACTION = re.compile(
    r"(?i)(?<![\w./])(?P<pos>\d{1,3})\s?/\s?(?P<tot>\d{1,3})(?![\d/])(?=[^.\n]{0,6}(?:\)|\s|$|\.|,|;))"
)
# "Lymph nodes: 3 of 15 positive"
_NODES_X_OF_Y = re.compile(
    r"(?i)lymph\s+nodes?\s*[:\-]\s*(?P<pos>\d{1,3})\s*(?:of|out\s+of)\s*(?P<tot>\d{1,3})\s+"
    r"(?:positive|involved|with\s+metasta\w+)"
)
_FRACTION_THEN_NEGATIVE = re.compile(
    r"(?i)[\s)]*(?:\w+\s+){0,2}(?:lymph\s+)?nodes?\)?[,;:]?\s+(?:are\s+|were\s+|all\s+)?"
    r"(?:negative|free|uninvolved|benign|with\s+no|without)"
)
# A fraction right after these words is a date or a time, never a node count.
_DATE_BEFORE = re.compile(
    r"(?i)(?:addend\w*|amend\w*|revis\w*|correct\w*|supplement\w*|\bdated?|dates|received|"
    r"collected|signed|reported|verified|accessioned|\bon|\bat)"
    r"(?:\s+(?:report|note|diagnosis|comment|dated?|on))?\W{0,4}$"
)
_TIME_AFTER = re.compile(r"(?i)\s?(?:a\.?m\b|p\.?m\b|hrs?\b|h\b|o'?clock)")
_NODE_WORDS_NEAR = re.compile(r"(?i)(?:lymph|node|\bLN\b|nodal|sentinel|\by?p?N[0-3X]\b)")
_NODES_EXAMINED = re.compile(
    r"(?i)(?:(?<=nodes:\s)number\s+examined|(?<=nodes\):\s)number\s+examined|(?:total\s+)?number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+(?:examined|identified|"
    r"retrieved|recovered|submitted)|lymph\s+nodes\s+examined|nodes\s+examined|examined\s+lymph\s+nodes)"
    r"(?:\s*\([^()]{0,45}\))?\s*[:\-]?\s*(?P<n>" + _NUMBER_WORD + r")\b"
)
# CAP breast: "Number of Lymph Nodes with Macrometastases (>2 mm): 1", "... Micrometastases ...: 0"
_NODES_METS = re.compile(
    r"(?i)number\s+of\s+(?:lymph\s+)?nodes\s+with\s+(?P<kind>macro|micro)-?\s?metastases"
    r"(?:\s*\([^()]{0,30}\))?\s*[:\-]\s*(?P<n>\d{1,3})\b"
)
_NODES_POSITIVE = re.compile(
    r"(?i)(?:number\s+(?:involved|positive)|number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+with\s+"
    r"(?:metasta\w+|tumou?r|carcinoma|cancer)"
    r"|number\s+of\s+(?:regional\s+)?lymph\s+nodes\s+(?:involved|positive)(?:\s+(?:by|for)\s+"
    r"(?:tumou?r|carcinoma|metasta\w+))?|lymph\s+nodes\s+(?:involved|positive)|nodes\s+(?:involved|positive)"
    r"|positive\s+lymph\s+nodes)"
    r"(?:\s*\([^()]{0,20}\))?\s*[:\-]?\s*(?P<n>" + _NUMBER_WORD + r")\b"
)
# "metastatic carcinoma in two of fourteen lymph nodes", "three of twelve lymph nodes positive"
_NODES_OF = re.compile(
    r"(?i)\b(?P<pos>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:out\s+)?of\s+(?P<tot>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:\w+\s+){0,2}?(?:lymph\s+)?nodes?"
)
# "twelve lymph nodes, negative for carcinoma", "no tumor in eight lymph nodes"
_NODES_ALL_NEG = re.compile(
    r"(?i)\b(?:(?P<neg1>no\s+(?:evidence\s+of\s+)?(?:metasta\w+|tumou?r|carcinoma|malignancy)"
    r"(?:\s+\w+){0,2}?\s+(?:in|seen\s+in|identified\s+in)\s+(?P<n1>"
    + _NUMBER_WORD
    + r")\s+(?:\(\d{1,3}\)\s+)?(?:\w+\s+){0,2}?(?:lymph\s+)?nodes?)"
    r"|(?P<n2>"
    + _NUMBER_WORD
    + r"|(?:a\s+)?single)\s+(?:\(\d{1,3}\)\s+)?(?:benign\s+|reactive\s+)?"
    r"(?:regional\s+)?(?:[a-z]+\s+)?lymph\s+nodes?[,;]?\s+(?:(?:is|are|was|were)\s+(?:all\s+)?)?"
    r"(?:negative|free|uninvolved|benign|with\s+no"
    r"|no\s+(?:evidence\s+of\s+)?(?:tumou?r|carcinoma|malignancy|metasta\w+)"
    r"(?:\s+(?:present|seen|identified))?)"
    r"(?:\s+for\s+(?:metasta\w+|tumou?r|carcinoma|malignancy))?"
    # "all 12 lymph nodes are negative", "all twelve nodes free of tumor"
    r"|\ball\s+(?P<n3>" + _NUMBER_WORD + r")\s+(?:\w+\s+){0,2}?(?:lymph\s+)?nodes?\s+"
    r"(?:(?:are|were)\s+)?(?:negative|free|uninvolved|benign)"
    # "Lymph nodes: all 12 negative"
    r"|lymph\s+nodes?\s*:\s*all\s+(?P<n4>"
    + _NUMBER_WORD
    + r")\s+(?:are\s+)?(?:negative|free|benign)"
    r")"
)
# "Regional lymph nodes (positive/total): Zero (0) / thirty (30)": words with digits beside.
_NODES_WORD_FRACTION = re.compile(
    r"(?i)\b(?P<pos>"
    + _NUMBER_WORD
    + r")\s*\((?P<posd>\d{1,3})\)\s*/\s*(?P<tot>"
    + _NUMBER_WORD
    + r")\s*\((?P<totd>\d{1,3})\)"
)
_NODE_ANCHOR = _Anchor(r"nodes?\b")
# Words that mean some node (or deposit) holds cancer even without a "n/m" count.
_NODE_POSITIVE_WORDS = re.compile(
    r"(?i)(?:isolated\s+tumou?r\s+cells|micro-?\s?metasta|macro-?\s?metasta|tumou?r\s+deposits?"
    r"|extra-?\s?capsular\s+(?:extension|spread)|extra-?\s?nodal\s+(?:extension|spread)"
    r"|non-lymph\s+node\s+\w+\s+tumou?r|in-transit|satellite\s+nodule|metasta\w*)"
)
_NODE_POSITIVE_NEGATED = re.compile(
    r"(?i)(?:\bno\b|\bnot?\b|negative|free\s+of|without|absence\s+of|distant|\(p?[MN]\)|cannot"
    r"|rule\s+out|r/o|suspicious\s+for|if\s+|or\b|none)[^.;:]{0,40}$"
)


def _node_positive_mentioned(text: str) -> bool:
    """True when the report says, in any words, that cancer reached a node or deposit."""
    for m in _NODE_POSITIVE_WORDS.finditer(text):
        before = text[max(0, m.start() - 45) : m.start()]
        after = text[m.end() : m.end() + 40]
        if _NODE_POSITIVE_NEGATED.search(before):
            continue
        if re.match(
            r"(?i)\w*\s*[:\-]?\s*(?:not\s+identified|absent|none|no\b|negative|not\s+present)",
            after,
        ):
            continue
        if m.group(0).lower().startswith("metasta"):
            window = text[max(0, m.start() - 120) : m.end() + 120]
            if not re.search(r"(?i)node|nodal|\bLN\b", window) or re.search(
                r"(?i)distant|\(p?M\)", before
            ):
                continue
        return True
    return False


def _restated(text: str, prev_end: int, start: int) -> bool:
    """True when a count equal to the one ending at prev_end, starting at start, repeats it:
    close by, or later in the same sentence ("0 of 2 nodes ... (0/2)"). Equal counts in
    different sentences may be different node groups ("right 0/1. left 0/1") and stay apart."""
    gap = text[prev_end:start]
    return len(gap) <= 12 or (len(gap) <= 120 and not re.search(r"\.\s|[;\n]", gap))


def _slash_fractions(text: str) -> list[tuple[int, int, re.Match[str]]]:
    """Counts written as 3/12 near node words; dates, times, pages and ratios left out."""
    fractions: list[tuple[int, int, re.Match[str]]] = []
    for m in _NODE_FRACTION.finditer(text):
        window = text[max(0, m.start() - 120) : m.end() + 40]
        if not _NODE_WORDS_NEAR.search(window):
            continue
        pos, tot = int(m.group("pos")), int(m.group("tot"))
        if tot == 0 or pos > tot or tot > 150:
            continue
        # Dates ("3/12/2009") and ratios ("HER2/CEP17") are excluded by the context checks.
        if re.match(r"/\d", text[m.end() : m.end() + 2]) or re.search(
            r"\d/$", text[max(0, m.start() - 2) : m.start()]
        ):
            continue
        # "11/11 lymph nodes, negative for malignancy" counts negative nodes, not positive ones.
        if _FRACTION_THEN_NEGATIVE.match(text, m.end(), m.end() + 60):
            if pos != tot:
                continue  # "10/12 nodes negative": which way round is not clear
            pos = 0
        if re.search(r"(?i)(?:\bp\.?|page)\s*$", text[max(0, m.start() - 6) : m.start()]):
            continue  # "page 8/33"
        if _DATE_BEFORE.search(text, max(0, m.start() - 30), m.start()) or _TIME_AFTER.match(
            text, m.end()
        ):
            continue  # "ADDENDUM (03/14)", "amended 11/12", "received at 10/30 am": dates, times
        fractions.append((pos, tot, m))
    return fractions


def _fractions(
    text: str, node_windows: list[tuple[int, int]]
) -> list[tuple[int, int, re.Match[str]]]:
    """Every written count of positive over examined nodes, in any wording."""
    fractions = _slash_fractions(text)
    for m in _finditer_windows(_NODES_X_OF_Y, text, node_windows):
        pos, tot = int(m.group("pos")), int(m.group("tot"))
        if 0 < tot <= 150 and pos <= tot:
            fractions.append((pos, tot, m))
    for m in _finditer_windows(_NODES_OF, text, node_windows):
        said_pos, said_tot = _to_int(m.group("pos")), _to_int(m.group("tot"))
        if said_pos is None or said_tot is None or said_tot == 0 or said_pos > said_tot:
            continue
        fractions.append((said_pos, said_tot, m))
    for m in _finditer_windows(_NODES_ALL_NEG, text, node_windows):
        word = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4") or ""
        n = 1 if word.lower().endswith("single") else _to_int(word)
        if n:
            fractions.append((0, n, m))
    for m in _finditer_windows(_NODES_WORD_FRACTION, text, node_windows):
        said_pos, said_tot = _to_int(m.group("pos")), _to_int(m.group("tot"))
        # The words and the digits must agree, or neither is trusted.
        if said_pos != int(m.group("posd")) or said_tot != int(m.group("totd")):
            continue
        if said_pos is not None and said_tot and said_pos <= said_tot:
            fractions.append((said_pos, said_tot, m))
    return fractions


def _merge_fractions(
    text: str, fractions: list[tuple[int, int, re.Match[str]]]
) -> list[tuple[int, int, int, int]]:
    # "two of eighteen lymph nodes (2/18)" is one count written twice: merge neighbours.
    fractions.sort(key=lambda x: x[2].start())
    merged: list[tuple[int, int, int, int]] = []
    for pos, tot, m in fractions:
        if merged and merged[-1][:2] == (pos, tot) and _restated(text, merged[-1][3], m.start()):
            merged[-1] = (pos, tot, merged[-1][2], max(m.end(), merged[-1][3]))
        elif merged and m.start() < merged[-1][3]:
            continue
        else:
            merged.append((pos, tot, m.start(), m.end()))
    return merged


def _node_candidates(text: str) -> list[Fact]:
    out: list[Fact] = []
    node_windows = _windows(text, _NODE_ANCHOR, 140, 80)
    for m in _finditer_windows(_NODES_EXAMINED, text, node_windows):
        n = _to_int(m.group("n"))
        if n is not None:
            label = m.group(0).lower()
            # The total beats a partial count ("Number of sentinel nodes examined").
            rank = 4 if label.startswith("total") else (2 if "sentinel" in label else 3)
            out.append(_fact("nodes_examined", n, text, m.start(), m.end(), rank=rank))
    mets = {m.group("kind").lower(): m for m in _finditer_windows(_NODES_METS, text, node_windows)}
    if len(mets) == 2:
        total = int(mets["macro"].group("n")) + int(mets["micro"].group("n"))
        first, last = sorted(mets.values(), key=lambda m: m.start())
        out.append(
            _fact(
                "nodes_positive",
                total,
                text,
                first.start(),
                last.end(),
                rank=2,
                status=DERIVED,
                rule="nodes with macrometastases plus nodes with micrometastases",
            )
        )
    for m in _finditer_windows(_NODES_POSITIVE, text, node_windows):
        n = _to_int(m.group("n"))
        if n is not None:
            out.append(_fact("nodes_positive", n, text, m.start(), m.end(), rank=3))
    merged = _merge_fractions(text, _fractions(text, node_windows))
    # A single count is a stated fact; several partial counts only say "all negative".
    if len(merged) == 1 and merged[0][0] == 0 and _node_positive_mentioned(text):
        # "Two lymph nodes, no tumor. One lymph node with metastatic carcinoma": the negative
        # count is one group of several, so it says nothing about the total.
        pos, tot, start, end = merged[0]
        out.append(_fact("nodes_fraction", (pos, tot), text, start, end, rank=0))
    elif len(merged) == 1:
        pos, tot, start, end = merged[0]
        out.append(_fact("nodes_positive", pos, text, start, end, rank=1))
        out.append(_fact("nodes_examined", tot, text, start, end, rank=1))
    elif merged:
        out.extend(
            _fact("nodes_fraction", (pos, tot), text, start, end, rank=0)
            for pos, tot, start, end in merged
        )
    return out
