"""Read a second-opinion service's agreement for the patient (pure, no Django).

``agreement_read(text)`` finds the clauses of ``CONTRACT.md`` (14 kinds) sentence by sentence,
from what each sentence *says*, not from the heading above it: real agreements bury clauses
under unrelated headings, number paragraphs without headings, and come out of PDFs with page
headers and broken lines. Each clause keeps its exact words (``text == source[start:end]``),
a plain-words explanation, flags for unfavourable or vague terms, and a question to ask. A kind
the agreement never addresses is reported missing with its question.

It never says whether to sign; it points at words and suggests questions.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from secondopinion.agreements.wording import EXPLANATIONS, KINDS, QUESTIONS

__all__ = ["KINDS", "AgreementResult", "Clause", "UnreadableAgreement", "agreement_read"]


class UnreadableAgreement(ValueError):
    """The text cannot be read as an English agreement; ``str(error)`` is for people."""


@dataclass(frozen=True)
class Clause:
    kind: str
    text: str
    start: int
    end: int
    flags: tuple[str, ...] = ()
    explanation: str = ""
    question: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "flags": list(self.flags),
            "explanation": self.explanation,
            "question": self.question,
        }


@dataclass
class AgreementResult:
    clauses: list[Clause] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "clauses": [c.as_dict() for c in self.clauses],
            "missing": list(self.missing),
            "questions": list(self.questions),
        }

    def kinds(self) -> set[str]:
        return {c.kind for c in self.clauses}

    def flagged(self, kind: str, flag: str) -> list[Clause]:
        return [c for c in self.clauses if c.kind == kind and flag in c.flags]


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.I)


# Shared vocabulary. ``[^.;]{0,N}`` keeps a cue inside one clause of a sentence, in bounded time.
_NEAR = r"[^.;]{0,%d}"
_MONEY = r"(?:\$|usd|us\$|eur|€|£)\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:dollars|usd)\b"
_REVIEWER = (
    r"(?:review(?:ing|er)?s?|consulting|physician|doctor|specialist|expert|oncologist|"
    r"pathologist|dr\.|she|he|they|we|our (?:team|staff))s?"
)
_WHO = r"(?:physician|doctor|specialist|expert|reviewer|consultant|oncologist|pathologist|radiologist|surgeon)"
_LOCAL = (
    r"(?:your|the patient's|patient's|that)\s+(?:own\s+|treating\s+|local\s+|referring\s+|home\s+|"
    r"primary[- ]care\s+|other\s+)*(?:physicians?|doctors?|oncologists?|care team|clinicians?)"
    r"|your (?:oncologist|primary care doctor|surgeon)"
)
_TIME = (
    r"\b(?:\d+|\(\d+\)|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|"
    r"fifteen|twenty|thirty)\b[^.;]{0,20}\b(?:business |working |calendar )?(?:days?|weeks?|hours?)\b"
)
_RECORDS = (
    r"\b(?:records?|scans?|slides?|dicom|imaging|films?|pathology reports?|test results|"
    r"documents|tissue blocks?|medical information|discs?|cds?)\b"
)
_DATA = r"\b(?:your|patient|personal|health|medical|member|de-?identified|aggregated?)\s+(?:\w+\s+)?(?:information|data)\b|\bdata\b"

# Cues: a sentence addresses a kind when any of its cues match (ordered for reading, not speed).
CUES: dict[str, re.Pattern[str]] = {
    "fee": _rx(
        r"\b(?:fees?|price|pricing|deposit|self-pay|co-?pays?)\b",
        _MONEY,
        r"\b(?:no|without) (?:cost|charge) to you\b|\bfree of charge\b|\bat no cost\b",
        r"\b(?:hourly|per hour|an hour)\b",
        r"\bpayment\b" + _NEAR % 40 + r"\b(?:due|required|in full|before|upon|when)\b",
        r"\b(?:pays?|paid)\b"
        + _NEAR % 30
        + r"\b(?:directly|for (?:the|this) (?:program|service|review))",
    ),
    "included": _rx(
        r"\b(?:fee|price|cost|payment|service|review|program|opinion|consultation|package)s?\b"
        + _NEAR % 60
        + r"\b(?:includes?|included|covers|consists? of|entitles you|pays for)\b",
        r"\b(?:you will|you'll) (?:receive|get)\b"
        + _NEAR % 60
        + r"\b(?:report|opinion|letter|call|visit)",
        r"\bwhen your case is complete you will receive\b|\bwhat you (?:receive|get)\b",
        r"\b(?:not|never) (?:part of|included in|covered by) the\b"
        + _NEAR % 20
        + r"\b(?:fee|price)",
    ),
    "extra_charges": _rx(
        r"\b(?:additional|extra|optional|separate|further)\b"
        + _NEAR % 80
        + r"\b(?:charges?|charged|fees?|costs?|billed|surcharge|price|payable)\b",
        r"\b(?:charged|billed|payable)\b"
        + _NEAR % 30
        + r"\b(?:separately|in addition|additionally|extra)\b",
        r"\bsurcharge\b|\bbilled in addition\b|\badded to (?:the|your) (?:invoice|bill)\b",
        r"\b(?:not|never) part of the\b" + _NEAR % 30 + r"\bfee\b",
        r"\bat (?:our|the) (?:actual )?cost\b",
    ),
    "insurance": _rx(
        r"\binsur(?:ance|ers?|ed)\b|\bhealth plans?\b|\bmedicare\b|\bmedicaid\b",
        r"\breimburs\w*|\bout-of-network\b|\bin-network\b|\bsuperbill\b",
        r"\bfinancial (?:assistance|aid|hardship|help)\b|\bscholarships?\b|\bsliding scale\b",
        r"\b(?:hsa|fsa|health savings account)\b|\bself-pay\b|\bsubmit\w* (?:a )?claims?\b",
    ),
    "refund": _rx(
        r"\brefund\w*|\bcancel\w*|\bmoney back\b",
        r"\b(?:fees?|deposit|payment|amount)\b"
        + _NEAR % 60
        + r"\b(?:returned|returnable|be returned|given back|back to you)\b",
        r"\b(?:receive|get|have) (?:the|your) (?:fee|money|payment|deposit) back\b",
        r"\bcredit\b" + _NEAR % 40 + r"\b(?:in the amount|toward|towards|future|instead)\b",
        r"\ball (?:fees|sales|payments) (?:are|is) final\b",
    ),
    "reviewer": _rx(
        r"\b(?:name|identity|names)\b" + _NEAR % 60 + r"\b" + _WHO + r"s?\b",
        r"\b" + _WHO + r"s? who (?:reviews?|will review|reads?|prepares?)\b",
        r"\b(?:physician|doctor|specialist|expert|reviewer)(?:'s|s')\s+(?:\w+\s+){0,2}(?:name|identity)\b",
        r"\b(?:reviews?|opinions?|cases?) (?:are|is|will be) (?:carried out|performed|conducted|"
        r"reviewed|prepared|done|read|provided) by\b",
        r"\bboard[- ]certifi\w*",
        r"\b(?:assign|match|select|choose|chosen|allocat)\w*\b"
        + _NEAR % 60
        + r"\b(?:physician|doctor|specialist|expert|reviewer|consultant)s?\b",
        r"\b(?:physician|doctor|specialist|expert|reviewer)s?\b"
        + _NEAR % 40
        + r"\b(?:assigned|selected|chosen|matched)\b",
        r"\b(?:reviews?|opinions?)\b" + _NEAR % 30 + r"\b(?:herself|himself|personally)\b",
        r"\bnot delegated\b|\bqualified (?:medical )?(?:professionals?|clinicians?|reviewers?)\b",
        r"\b(?:means|is) a licensed (?:physician|doctor)\b|\banonymous\w*",
    ),
    "local_doctor": _rx(
        r"\b(?:physician|doctor|peer)[- ]to[- ](?:physician|doctor|peer)\b",
        r"\b"
        + _REVIEWER
        + r"\b"
        + _NEAR % 80
        + r"\b(?:speak\w*|talk\w*|discuss\w*|contact\w*|call\w*|confer\w*|consult\w*|communicat\w*)\b"
        + _NEAR % 40
        + r"(?:"
        + _LOCAL
        + r")",
        r"(?:"
        + _LOCAL
        + r")"
        + _NEAR % 80
        + r"\b(?:speak\w*|talk\w*|discuss\w*|contact\w*|confer\w*|call)\b"
        + _NEAR % 60
        + r"\b(?:reviewing|consulting|reviewer|specialist|expert|dr\.|with (?:her|him|them))",
    ),
    "turnaround": _rx(
        r"\bturn-?around\b",
        r"\b(?:opinion|report|review|letter|results?|answer)s?\b" + _NEAR % 80 + _TIME,
        _TIME
        + _NEAR % 60
        + r"\b(?:opinion|report|letter|delivered|delivery|completed|issued|ready)\b",
        r"\b(?:deliver\w*|complete\w*|issue\w*|ready|return\w*)\b"
        + _NEAR % 40
        + r"\b(?:promptly|as soon as (?:possible|we can)|quickly|in a timely)",
    ),
    "records": _rx(
        _RECORDS
        + _NEAR % 80
        + r"\b(?:send|sent|upload\w*|provid\w*|gather\w*|collect\w*|obtain\w*|request\w*|"
        r"submit\w*|mail\w*|fax\w*|ship\w*|courier|incomplete|missing|release|supply|share)\b",
        r"\b(?:send|upload|provide|submit|supply|mail|fax|ship|gather|collect|obtain|request|release)\w*\b"
        + _NEAR % 60
        + _RECORDS,
    ),
    "no_relationship": _rx(
        r"\b(?:physician|doctor|provider)[- ]patient relationship\b",
        r"\bnot (?:a |an )?(?:substitute|replacement) for\b|\bemergenc(?:y|ies)\b|\b911\b",
        r"\bnot (?:medical )?(?:advice|treatment)\b|\bprovides? information only\b",
        r"\b(?:does|do|will) not (?:make|become)\b"
        + _NEAR % 40
        + r"\b(?:doctor|physician|oncologist)\b",
        r"\b(?:does|do|will) not (?:practice medicine|examine you|prescribe|treat you|direct your treatment)",
        r"\bnot (?:a |an )?(?:office visit|admission)\b|\beducational (?:opinion|purposes)\b",
    ),
    "data_use": _rx(
        r"\b(?:sell|sold|sale|selling|license|share|shared|sharing|disclos\w*|transfer\w*|use|uses|used|process\w*)\b"
        + _NEAR % 60
        + r"(?:"
        + _DATA
        + r")",
        r"(?:"
        + _DATA
        + r")"
        + _NEAR % 60
        + r"\b(?:sold|shared|disclosed|transferred|used|processed|given|not be disclosed)\b",
        r"\bde-?identified\b|\bidentifiers removed\b|\bno individual can be identified\b",
        r"\bprivacy\b|\bmarketing\b|\badvertis\w*|\bhipaa\b|\bconfidential\w*\b"
        + _NEAR % 30
        + r"\b(?:information|records)\b",
    ),
    "retention": _rx(
        r"\b(?:retain\w*|retention|kept|keep|keeps|stored|stores|archiv\w*|destroy\w*|delet\w*|"
        r"dispos\w*|purg\w*)\b"
        + _NEAR % 60
        + r"\b(?:records?|information|data|files?|opinion|report|recordings?|materials|media|copies)\b",
        r"\b(?:records?|information|data|files?|opinion|report|recordings?|materials|media|copies)\b"
        + _NEAR % 60
        + r"\b(?:retained|kept|stored|archived|destroyed|deleted|disposed|purged)\b",
    ),
    "liability": _rx(
        r"\bliab(?:le|ility)\b|\bwarrant(?:y|ies)\b|\bas is\b|\barbitrat\w*|\bclass[- ]action\b",
        r"\bjury\b|\bgoverned by the laws?\b|\bgoverning law\b|\bindemnif\w*|\bdamages\b",
        r"\bnot (?:be )?responsible for\b"
        + _NEAR % 30
        + r"\b(?:outcome|decisions?|results?|any)\b",
        r"\b(?:does not|do not|cannot|no) guarantee\w*\b"
        + _NEAR % 40
        + r"\b(?:diagnosis|outcome|result|accura\w*)",
        r"\bdisclaim\w*",
    ),
    "recording": _rx(
        r"\b(?:calls?|video\w*|conferences?|consultations?|visits?|sessions?|conversations?|meetings?)\b"
        + _NEAR % 60
        + r"\b(?:recorded|recording)\b",
        r"\b(?:recorded|recording|record)\b\s+(?:the |a |any |your |of (?:the |your |a )?)?"
        r"(?:\w+\s+)?(?:calls?|video|conferences?|consultations?|visits?|sessions?|conversations?|meetings?)\b",
        r"\brecordings? of\b"
        + _NEAR % 30
        + r"\b(?:calls?|video|consultations?|visits?|sessions?)\b",
    ),
}

# Unfavourable terms: each takes something clear away from the patient (CONTRACT.md).
_NEGATED = re.compile(
    r"\b(?:not|never|no|nor)\b[^.;]{0,25}\b(?:sell|sold|sale|share|advertis\w*|market\w*|disclos\w*)",
    re.I,
)
_CONDITION = re.compile(
    r"\b(?:once|after|if|when|begun|started|starts|begins|unless|except|within)\b", re.I
)
UNFAVOURABLE: dict[str, re.Pattern[str]] = {
    "refund": _rx(
        r"\bno refunds?\b|\bnon-?refundable\b|\bnot refundable\b|\ball (?:fees|sales|payments) (?:are|is) final\b",
        r"\b(?:do|does|will|shall) not (?:issue|give|provide|offer|make|pay) (?:any )?(?:cash |card |monetary )?refunds?\b",
        r"\bcredit\b" + _NEAR % 40 + r"\b(?:in the amount|instead|toward|towards|future)\b",
        r"\b(?:fees?|payments?|money|deposits?)\b"
        + _NEAR % 40
        + r"\b(?:not|never) (?:be )?(?:returned|refunded|given back)",
    ),
    "data_use": _rx(
        r"\b(?:sell|sold|sale|selling)\b",
        r"\b(?:share|shared|sharing|disclos\w*|provide|give)\b"
        + _NEAR % 80
        + r"\b(?:partners?|sponsors?|advertisers?|marketing|advertis\w*|offer(?:ing)? you)\b",
        r"\b(?:marketing|advertis\w*)\b",
    ),
    "liability": _rx(
        r"\bbinding arbitration\b|\barbitration\b"
        + _NEAR % 60
        + r"\b(?:binding|final|rather than in court|instead of)",
        r"\bclass[- ]action waiver\b|\bwaive\w*\b"
        + _NEAR % 60
        + r"\b(?:jury|class|representative)",
        r"\bnot as a plaintiff or class member\b|\bclass or representative (?:action|proceeding)",
        r"\bjury trial\b",
    ),
    "reviewer": _rx(
        r"\b(?:not|never|cannot|can't|won't|unable to)\b"
        + _NEAR % 40
        + r"\b(?:disclos\w*|reveal\w*|provid\w*|shar\w*|releas\w*|identif\w*|give|tell|know|learn)\b"
        + _NEAR % 60
        + r"\b(?:name|names|identity|identities)\b",
        r"\b(?:name|names|identity|identities)\b"
        + _NEAR % 60
        + r"\b(?:confidential|withheld|not (?:be )?(?:disclosed|shared|revealed|provided|given|released))",
        r"\banonymous\w*",
    ),
}
# The reviewer "unfavourable" words may themselves be negated ("we do not withhold the name").
_NOT_WITHHELD = re.compile(r"\b(?:never|not) (?:withh\w*|kept confidential)", re.I)

_HEDGE = _rx(
    r"\b(?:typically|generally|usually|normally|ordinarily|often|in most cases|where appropriate|"
    r"as appropriate|when appropriate|at (?:our|its|the) (?:sole |absolute )?discretion|"
    r"may take longer|aim to|we try to|as long as (?:necessary|needed|required)|from time to time|"
    r"(?:charges?|fees?|costs?|terms|restrictions) may apply|may incur|may be available|"
    r"subject to availability|reasonable efforts)\b",
    r"\bmost\b(?! recent| (?:health |insurance )?(?:plans|insurers|insurance))",
)
# Vague because the number or thing that matters is absent; only when no number is given.
_UNSPECIFIED = _rx(
    r"\b(?:communicated|confirmed|provided|given) (?:to you )?at (?:the time of )?booking\b",
    r"\bpromptly\b|\bas soon as possible\b|\bin a timely manner\b",
    r"\bas required by law\b|\bqualified (?:medical )?professionals?\b|\bany relevant records\b",
    r"\brespect your privacy\b|\bresponsibly\b|\badditional charges\b",
)
_VAGUE_REACH = 80
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty)\b", re.I
)


# --------------------------------------------------------------------------------------------
# Segmentation: equal-length cleaned copy, so every offset is an offset into the source.

_PAGE_LINE = re.compile(
    r"^\s*(?:page\s+\d+(?:\s*(?:of|/)\s*\d+)?|-?\s*\d{1,3}\s*-?|\d+\s*/\s*\d+|\[?page \d+\]?)\s*$",
    re.I,
)
_HEADING_END = re.compile(r"[.,;:!?)\]\"”'’]\s*$")
_DANGLING = {
    "the",
    "a",
    "an",
    "of",
    "to",
    "and",
    "or",
    "your",
    "for",
    "with",
    "in",
    "by",
    "is",
    "are",
    "be",
    "will",
    "may",
    "on",
    "at",
    "that",
    "our",
    "its",
    "not",
    "as",
    "from",
}
_ABBREV = re.compile(
    r"(?:\b(?:dr|mr|mrs|ms|st|no|inc|ltd|co|vs|etc|approx|dept|jr|sr)|\b[a-z]|[A-Z]\.[A-Z]|a\.m|p\.m|e\.g|i\.e)\.$",
    re.I,
)
_BOUNDARY = re.compile(
    r"(?:[.!?][\"”’)]*|;|:)(?=\s+[\"“(\[A-Z0-9$•\-–])|(?<=:)(?=\s*\n)|\n(?=\s*(?:\(?[a-z0-9ivx]{1,4}[.)]\s|[•*\-–]\s))"
)


def _clean(source: str) -> str:
    lines = source.split("\n")
    counts = Counter(line.strip().lower() for line in lines if 0 < len(line.strip()) <= 80)
    out: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        repeated = counts.get(stripped.lower(), 0) >= 3 and not _HEADING_END.search(stripped)
        if stripped and (_PAGE_LINE.match(stripped) or repeated):
            out.append(" " * len(line))  # page header or footer: read across it
        elif stripped and _is_heading(stripped, lines[i + 1] if i + 1 < len(lines) else ""):
            out.append("\n" * len(line))  # a heading is a boundary, not a clause
        else:
            out.append(line)
    return "\n".join(out)


def _is_heading(line: str, following: str) -> bool:
    words = line.split()
    if len(line) > 70 or len(words) > 9 or _HEADING_END.search(line):
        return False
    if words[-1].lower() in _DANGLING:
        return False
    nxt = following.lstrip()
    return not nxt or not nxt[0].islower()


def _sentences(source: str) -> list[tuple[int, int]]:
    clean = _clean(source)
    spans: list[tuple[int, int]] = []
    for block in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", clean):
        start = block.start()
        for m in _BOUNDARY.finditer(clean, block.start(), block.end()):
            if (
                _ABBREV.search(clean[max(start, m.end() - 6) : m.end()])
                and clean[m.end() - 1] == "."
            ):
                continue
            spans.append((start, m.end()))
            start = m.end()
        spans.append((start, block.end()))
    return [s for s in (_trim(clean, a, b) for a, b in spans) if s]


def _trim(clean: str, a: int, b: int) -> tuple[int, int] | None:
    while a < b and clean[a].isspace():
        a += 1
    while b > a and clean[b - 1].isspace():
        b -= 1
    return (a, b) if sum(ch.isalpha() for ch in clean[a:b]) >= 3 else None


def _match_text(source: str, a: int, b: int) -> str:
    text = re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", source[a:b])  # re-join a word broken by a PDF
    return re.sub(r"\s+", " ", text)


# --------------------------------------------------------------------------------------------


_SPANISH = {
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "que",
    "y",
    "en",
    "por",
    "para",
    "usted",
    "su",
    "con",
    "una",
    "un",
    "es",
    "se",
    "al",
    "lo",
    "sus",
    "este",
    "esta",
    "médico",
}
_ENGLISH = {"the", "and", "of", "to", "you", "your", "is", "in", "for", "we", "be", "will", "or"}


def _language_check(text: str) -> None:
    words = re.findall(r"[a-záéíóúñü]+", text[:20000].lower())
    if len(words) < 3:
        raise UnreadableAgreement("The text is too short to be an agreement; nothing was read.")
    spanish = sum(w in _SPANISH for w in words)
    english = sum(w in _ENGLISH for w in words)
    if spanish > 2 * english and spanish / len(words) > 0.08:
        raise UnreadableAgreement(
            "This agreement looks like it is in Spanish. The reader reads English agreements "
            "only, so nothing was read and nothing was guessed. Read it with someone you trust, "
            "or ask the service for an English copy."
        )


def _flags(kind: str, said: str, cue: re.Match[str]) -> tuple[str, ...]:
    flags = []
    if _unfavourable(kind, said):
        flags.append("unfavourable")
    # A hedge counts only near the words that made this kind: one sentence may hold a hedged
    # turnaround and a firm statement about the reviewer.
    near = said[max(0, cue.start() - _VAGUE_REACH) : cue.end() + _VAGUE_REACH]
    if _HEDGE.search(near) or (_UNSPECIFIED.search(near) and not _NUMBER.search(said)):
        flags.append("vague")
    return tuple(flags)


def _unfavourable(kind: str, said: str) -> bool:
    rule = UNFAVOURABLE.get(kind)
    if rule is None or not rule.search(said):
        return False
    checks = {
        "refund": lambda: not _CONDITION.search(said) or "credit" in said.lower(),
        "data_use": lambda: not _NEGATED.search(said),
        "reviewer": lambda: not _NOT_WITHHELD.search(said),
    }
    return checks.get(kind, lambda: True)()


def _question(kind: str, flags: tuple[str, ...]) -> str:
    for flag in ("unfavourable", "vague"):
        if flag in flags:
            return QUESTIONS[kind][flag]
    return ""


def agreement_read(text: str) -> AgreementResult:
    """Clauses, missing kinds and questions; raises ``UnreadableAgreement`` with a message."""
    if not text or not text.strip():
        raise UnreadableAgreement("The agreement is empty; there is nothing to read.")
    _language_check(text)
    result = AgreementResult()
    for a, b in _sentences(text):
        said = _match_text(text, a, b)
        for kind in KINDS:
            cue = CUES[kind].search(said)
            if cue:
                flags = _flags(kind, said, cue)
                result.clauses.append(
                    Clause(
                        kind, text[a:b], a, b, flags, _explain(kind, flags), _question(kind, flags)
                    )
                )
    found = result.kinds()
    result.missing = [k for k in KINDS if k not in found]
    asked: list[str] = []
    for clause in result.clauses:
        if clause.question and clause.question not in asked:
            asked.append(clause.question)
    asked += [QUESTIONS[k]["missing"] for k in result.missing]
    result.questions = asked
    return result


def _explain(kind: str, flags: tuple[str, ...]) -> str:
    parts = [EXPLANATIONS[kind]["clause"]]
    parts += [EXPLANATIONS[kind][f] for f in flags if f in EXPLANATIONS[kind]]
    return " ".join(parts)
