"""How the product prints people's names and counts, in one place.

Pure: no Django. Every letter, PDF and page that puts a title before a doctor's name, or a number
before a noun, goes through these helpers, so "Dear Dr. Dr. Alan Reyes" and "1 scans" cannot come
back in one corner of the app.
"""

from __future__ import annotations

import re

# Titles written before a name ("Dr. Alan Reyes", "Prof Ada Moreau") and degrees written after it
# ("Alan Reyes, MD"). A name that already carries one gets no "Dr." added.
_PREFIX_TITLES = frozenset({"dr", "doctor", "prof", "professor"})
_DEGREES = frozenset(
    {"md", "do", "mbbs", "mbchb", "phd", "dnp", "np", "pa", "pa-c", "facs", "facp", "frcpc"}
)
_WORD = re.compile(r"[A-Za-z][A-Za-z.-]*")

# Numbers written as words, one to twenty and the tens to fifty, for the readers of reports and
# plans ("four of twelve lymph nodes", "six cycles", "eighteen months"). Each reader adds its own
# extras ("none" for a node count, "a" for "a year").
_ONES = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
_TEENS = "sixteen seventeen eighteen nineteen twenty"
NUMBER_WORDS: dict[str, int] = {
    **{word: n for n, word in enumerate(f"{_ONES} {_TEENS}".split(), start=1)},
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}


def has_title(name: str) -> bool:
    """True when the name already says the person is a doctor or professor."""
    words = _WORD.findall(name)
    if not words:
        return False
    if words[0].strip(".").lower() in _PREFIX_TITLES:
        return True
    # A degree is written after a comma ("Reyes, md") or in capitals ("Reyes MD", "M.D."), so the
    # surname in "Minh Do" is not read as the degree DO.
    after_comma = set(_WORD.findall(name.partition(",")[2])) if "," in name else set()
    return any(
        w.replace(".", "").lower() in _DEGREES and (w in after_comma or w.upper() == w)
        for w in words[1:]
    )


def doctor_name(name: str) -> str:
    """ "Alan Reyes" -> "Dr. Alan Reyes"; "Dr Alan Reyes" and "Alan Reyes, MD" are left as typed.

    An empty name stays empty, so the caller can choose its own words ("your doctor").
    """
    name = " ".join(name.split())
    if not name or has_title(name):
        return name
    return f"Dr. {name}"


def dear(name: str, *, fallback: str = "Doctor") -> str:
    """The greeting of a letter to a doctor: "Dear Dr. Alan Reyes," or "Dear Doctor,"."""
    return f"Dear {doctor_name(name) or fallback},"


def plural(n: float, one: str, many: str = "") -> str:
    """The noun alone for n: plural(1, "scan") -> "scan"; plural(2, "study", "studies")."""
    return one if n == 1 else (many or one + "s")


def count(n: float, one: str, many: str = "") -> str:
    """A number and its noun: count(1, "scan") -> "1 scan", count(1200, "image") -> "1,200 images"."""
    return f"{n:,} {plural(n, one, many)}"


def sentence(text: str) -> str:
    """End typed text with one full stop: "for 5 years." stays, "for 5 years" gets one.

    For sentences that close with words the patient typed, so "5 years.." cannot happen.
    """
    text = text.strip()
    if not text or text[-1] in ".!?…":
        return text
    if text[-1] in "\"'”’)" and len(text) > 1 and text[-2] in ".!?":
        return text
    return text + "."
