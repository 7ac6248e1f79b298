"""Put the three registries together into one evidence card about a named doctor.

The card says, in one plain sentence, what the public record shows about this doctor and the
patient's cancer, lists the evidence beneath it, carries the date it was looked up, and adds a
caution when the name is shared by many people or nothing was found. It never judges the
doctor: an empty record becomes a question for the service, not a verdict.

Each source can fail on its own; the card then says which one could not be checked. When a
source could not be refreshed and an older saved answer was used, the card says so with the
date of that answer. Pure Python: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from secondopinion.core.words import count

from .base import Cache, LookupFailed, OfflineError, RateLimiter, shared_limiter
from .ctgov import CtGovClient, Trial, TrialSearch
from .npi import NpiClient, NpiMatch, NpiSearch
from .pubmed import Article, AuthorQuery, PubMedClient, PubMedProfile, topic_query

ASK_ABOUT_EXPERIENCE = "Ask the service about the doctor's experience with your cancer."
RECENT_YEARS = 5
# Above this many PubMed hits for a name with no employer given, the name is probably shared.
COMMON_NAME_ARTICLES = 300
_PREFIXES = frozenset({"dr", "doctor", "prof", "professor", "mr", "mrs", "ms"})
_SUFFIXES = frozenset(
    "md do phd mph ms msc mbbs mbchb frcp frcpc facp facs fasco mba rn np pa jr sr ii iii".split()
)
_PARTICLES = frozenset({"van", "von", "de", "del", "della", "da", "di", "la", "le", "st", "der"})


@dataclass(frozen=True)
class CancerTopic:
    """The patient's cancer: words for people, and the MeSH heading PubMed indexes it under."""

    label: str  # "breast cancer"
    mesh_heading: str  # "Breast Neoplasms"
    keywords: tuple[str, ...] = ()  # extra words to spot it in trial conditions


@dataclass(frozen=True)
class DoctorQuery:
    full_name: str
    cancer: CancerTopic
    affiliation: str = ""
    state: str = ""
    npi: str = ""  # the registry entry the patient chose, once chosen


@dataclass(frozen=True)
class PersonName:
    first: str
    middle: str
    last: str


def split_name(full_name: str) -> PersonName:
    """ "Dr. Jane A. Smith, MD" -> Jane / A / Smith; "Smith, Jane" -> Jane / / Smith."""
    text = full_name.strip()
    if "," in text:
        head, tail = text.split(",", 1)
        tail_words = re.findall(r"[A-Za-z'-]+", tail)
        if tail_words and all(w.lower().strip(".") in _SUFFIXES for w in tail_words):
            text = head  # "Jane Smith, MD"
        elif tail_words:
            text = f"{tail} {head}"  # "Smith, Jane"
    words = [w.strip(".") for w in re.findall(r"[A-Za-z][A-Za-z'.-]*", text)]
    words = [w for w in words if w and w.lower() not in _PREFIXES | _SUFFIXES]
    if not words:
        return PersonName("", "", "")
    if len(words) == 1:
        return PersonName("", "", words[0])
    # Keep "van der Berg" together as the last name.
    start = len(words) - 1
    while start - 1 >= 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    middle = words[1:start]
    return PersonName(words[0], middle[0][:1].upper() if middle else "", " ".join(words[start:]))


@dataclass(frozen=True)
class SourceProblem:
    source: str
    message: str
    offline: bool


@dataclass(frozen=True)
class EvidenceLink:
    label: str
    url: str
    detail: str = ""


@dataclass
class Clients:
    npi: NpiClient
    pubmed: PubMedClient
    ctgov: CtGovClient

    def close(self) -> None:
        """Release the HTTP connections (a long-running worker makes many lookups)."""
        for client in (self.npi, self.pubmed, self.ctgov):
            client.fetcher.client.close()


def clients_create(
    *,
    email: str,
    api_key: str = "",
    cache: Cache | None = None,
    sleep: Callable[[float], None] | None = None,
    limiter: RateLimiter | None = None,
    now: Callable[[], datetime] | None = None,
    budgets: dict[str, tuple[int, float]] | None = None,
) -> Clients:
    """The three clients sharing one cache and the process-wide rate limiters.

    `budgets` sets a registry's limit, as (calls, per seconds) under "nppes", "ncbi" or "ctgov"
    (settings.DOCTOR_LOOKUP_BUDGETS); each client's own default otherwise. `limiter` replaces
    the per-registry limiters (tests pass one with a fake clock).
    """
    common: dict[str, Any] = {"cache": cache, "sleep": sleep}
    if now is not None:
        common["now"] = now

    def limited(name: str) -> dict[str, Any]:
        if limiter is not None:
            return {**common, "limiter": limiter}
        if budgets and name in budgets:
            calls, period = budgets[name]
            shared = shared_limiter(name, max_calls=calls, period=period)
            return {**common, "limiter": shared}
        return common

    return Clients(
        npi=NpiClient(**limited("nppes")),
        pubmed=PubMedClient(email=email, api_key=api_key, **limited("ncbi")),
        ctgov=CtGovClient(**limited("ctgov")),
    )


def _plural(n: int, word: str, plural: str = "") -> str:
    return count(n, word, plural)


@dataclass
class EvidenceCard:
    doctor_name: str
    cancer: CancerTopic
    since_year: int
    affiliation: str = ""
    state: str = ""
    npi: NpiSearch | None = None
    chosen: NpiMatch | None = None
    pubmed: PubMedProfile | None = None
    trials: TrialSearch | None = None
    trials_on_cancer: tuple[Trial, ...] = ()
    problems: tuple[SourceProblem, ...] = ()
    sentence: str = ""
    cautions: tuple[str, ...] = field(default_factory=tuple)

    # -- facts derived from the sources ---------------------------------------------------------

    @property
    def looked_up(self) -> datetime | None:
        """When the oldest part of this card was fetched from the registries."""
        times = [s.fetched_at for s in (self.npi, self.pubmed, self.trials) if s is not None]
        return min(times) if times else None

    @property
    def stale(self) -> bool:
        """Some part comes from an older saved answer because a refresh failed."""
        return any(s.stale for s in (self.npi, self.pubmed, self.trials) if s is not None)

    @property
    def offline(self) -> bool:
        return any(p.offline for p in self.problems)

    @property
    def found_nothing(self) -> bool:
        return self.npi is None and self.pubmed is None and self.trials is None

    @property
    def recruiting_on_cancer(self) -> int:
        return sum(1 for t in self.trials_on_cancer if t.recruiting)

    @property
    def no_evidence_on_cancer(self) -> bool:
        """Both PubMed and ClinicalTrials.gov answered, and neither shows this cancer.

        Unknown (a source could not be checked) is not the same as none, so it stays False.
        """
        if self.pubmed is None or self.trials is None:
            return False
        return self.pubmed.on_cancer == 0 and not self.trials_on_cancer

    @property
    def npi_empty(self) -> bool:
        return self.npi is not None and not self.npi.matches

    @property
    def chosen_among_namesakes(self) -> bool:
        return self.chosen is not None and self.npi is not None and len(self.npi.matches) > 1

    @property
    def many_matches(self) -> bool:
        return self.chosen is None and self.npi is not None and len(self.npi.matches) > 1

    def links(self) -> list[EvidenceLink]:
        out: list[EvidenceLink] = []
        if self.chosen is not None:
            out.append(
                EvidenceLink(
                    f"NPI registry entry {self.chosen.npi}",
                    self.chosen.registry_url,
                    self.chosen.specialty,
                )
            )
        if self.pubmed is not None:
            seen: set[str] = set()
            for article in self.pubmed.relevant_articles + self.pubmed.recent_articles:
                if article.pmid not in seen:
                    seen.add(article.pmid)
                    out.append(_article_link(article))
            out.append(EvidenceLink("All PubMed results for this search", self.pubmed.search_url))
        out.extend(
            EvidenceLink(
                f"{trial.nct_id}: {trial.title}",
                trial.link,
                f"{trial.phase_words}; {trial.status_words}",
            )
            for trial in self.trials_on_cancer
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for storage, templates and `--json`."""
        looked = self.looked_up
        pub = self.pubmed
        return {
            "doctor_name": self.doctor_name,
            "cancer": self.cancer.label,
            "mesh_heading": self.cancer.mesh_heading,
            "affiliation": self.affiliation,
            "state": self.state,
            "since_year": self.since_year,
            "sentence": self.sentence,
            "cautions": list(self.cautions),
            "looked_up": looked.isoformat() if looked else None,
            "stale": self.stale,
            "offline": self.offline,
            "problems": [
                {"source": p.source, "message": p.message, "offline": p.offline}
                for p in self.problems
            ],
            "no_evidence_on_cancer": self.no_evidence_on_cancer,
            "npi_matches": [_npi_dict(m) for m in self.npi.matches] if self.npi else None,
            "npi_maybe_more": bool(self.npi and self.npi.maybe_more),
            "chosen_npi": _npi_dict(self.chosen) if self.chosen else None,
            "pubmed": None
            if pub is None
            else {
                "total": pub.total,
                "recent": pub.recent,
                "on_cancer": pub.on_cancer,
                "on_cancer_recent": pub.on_cancer_recent,
                "lead_on_cancer_recent": pub.lead_on_cancer_recent,
                "search_url": pub.search_url,
                "recent_articles": [_article_dict(a) for a in pub.recent_articles],
                "relevant_articles": [_article_dict(a) for a in pub.relevant_articles],
            },
            "trials": None
            if self.trials is None
            else {
                "total": len(self.trials.trials),
                "truncated": self.trials.truncated,
                "on_cancer": len(self.trials_on_cancer),
                "recruiting_on_cancer": self.recruiting_on_cancer,
                "items": [_trial_dict(t, t in self.trials_on_cancer) for t in self.trials.trials],
            },
            "links": [{"label": x.label, "url": x.url, "detail": x.detail} for x in self.links()],
        }


def _article_link(article: Article) -> EvidenceLink:
    detail = ", ".join(str(p) for p in (article.journal, article.year) if p)
    return EvidenceLink(article.title or f"PubMed {article.pmid}", article.link, detail)


def _article_dict(a: Article) -> dict[str, Any]:
    return {"pmid": a.pmid, "title": a.title, "journal": a.journal, "year": a.year, "url": a.link}


def _trial_dict(t: Trial, on_cancer: bool) -> dict[str, Any]:
    return {
        "nct_id": t.nct_id,
        "title": t.title,
        "status": t.status,
        "status_words": t.status_words,
        "recruiting": t.recruiting,
        "phase_words": t.phase_words,
        "role_words": t.role_words,
        "conditions": list(t.conditions),
        "on_cancer": on_cancer,
        "url": t.link,
    }


def _npi_dict(m: NpiMatch) -> dict[str, Any]:
    return {
        "npi": m.npi,
        "name": m.display_name,
        "specialty": m.specialty,
        "location": m.location.one_line() if m.location else "",
        "license_state": m.license_state,
        "url": m.registry_url,
    }


# --- the sentence and the cautions ----------------------------------------------------------------


def day_words(moment: datetime | date) -> str:
    """ "March 3, 2026", the US order (no leading zero, the same on every platform)."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def card_sentence(card: EvidenceCard) -> str:
    cancer = card.cancer.label
    parts: list[str] = []
    pub = card.pubmed
    if pub is not None:
        if pub.on_cancer_recent:
            parts.append(
                f"Found {_plural(pub.on_cancer_recent, 'PubMed article')} on {cancer} since "
                f"{card.since_year}; first or last author on {pub.lead_on_cancer_recent}."
            )
        elif pub.on_cancer:
            parts.append(
                f"Found no PubMed articles on {cancer} since {card.since_year}, "
                f"and {_plural(pub.on_cancer, 'older one')}."
            )
        elif pub.total:
            parts.append(
                f"Found no PubMed articles on {cancer}; "
                f"{_plural(pub.total, 'article')} on other topics."
            )
        else:
            parts.append("Found no PubMed articles under this name.")
    if card.trials is not None:
        on_cancer = len(card.trials_on_cancer)
        if on_cancer:
            parts.append(
                f"Leads {_plural(on_cancer, 'trial')} in {cancer}, "
                f"{card.recruiting_on_cancer} recruiting."
            )
        elif card.trials.trials:
            parts.append(
                f"Leads no trials in {cancer} "
                f"({_plural(len(card.trials.trials), 'trial')} in other areas)."
            )
        else:
            parts.append("No trials led by this doctor are listed on ClinicalTrials.gov.")
    if card.found_nothing:
        if card.offline:
            return "Could not look this doctor up: no internet connection, and nothing saved from before."
        return "Could not look this doctor up right now."
    return " ".join(parts)


def card_cautions(card: EvidenceCard) -> tuple[str, ...]:
    out: list[str] = []
    where = f" in {card.state}" if card.state else ""
    if card.npi is not None and card.chosen is None:
        found = len(card.npi.matches)
        if found == 0:
            out.append(
                f"No doctor with this name was found in the NPI registry{where}. Check the "
                "spelling, or ask the service for the doctor's full name."
            )
        elif found > 1:
            more = " or more" if card.npi.maybe_more else ""
            out.append(
                f"{found}{more} doctors with this name are in the NPI registry{where}. The "
                "figures below may mix up different people. Choose the right one if you can."
            )
    if card.chosen_among_namesakes and not card.affiliation:
        # Choosing the registry entry does not tell PubMed or ClinicalTrials.gov who is who.
        out.append(
            "Articles and trials are found by name, so they may include other doctors with "
            "this name. Add where the doctor works to narrow them."
        )
    pub = card.pubmed
    if pub is not None and not card.affiliation and pub.total >= COMMON_NAME_ARTICLES:
        out.append(
            "Many authors share this name. Adding the doctor's hospital or university makes "
            "the PubMed figures more accurate."
        )
    if card.no_evidence_on_cancer:
        out.append(
            f"We found no articles or trials on {card.cancer.label} under this name. That does "
            "not mean the doctor has no experience."
        )
    out.extend(problem.message for problem in card.problems)  # each names its source
    if card.stale and card.looked_up is not None:
        out.append(f"Could not refresh these results. They are from {day_words(card.looked_up)}.")
    namesakes = card.many_matches or (card.chosen_among_namesakes and not card.affiliation)
    if namesakes or card.no_evidence_on_cancer or card.npi_empty or card.found_nothing:
        out.append(ASK_ABOUT_EXPERIENCE)
    return tuple(out)


# --- running a lookup ---------------------------------------------------------------------------


def _attempt(problems: list[SourceProblem], source: str, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except LookupFailed as exc:
        problems.append(SourceProblem(source, exc.message, isinstance(exc, OfflineError)))
        return None


def doctor_research(
    query: DoctorQuery,
    *,
    clients: Clients,
    today: date,
    progress: Callable[[str], None] | None = None,
) -> EvidenceCard:
    """Look the doctor up in all three registries and build the card.

    `progress` is told each step ("npi", "pubmed", "trials") so a background task can show it.
    """
    name = split_name(query.full_name)
    if not name.last:
        raise ValueError("A doctor's name is needed.")
    since_year = today.year - RECENT_YEARS
    problems: list[SourceProblem] = []
    step = progress or (lambda _s: None)

    step("npi")
    npi = _attempt(
        problems,
        "the NPI registry",
        lambda: clients.npi.search(first_name=name.first, last_name=name.last, state=query.state),
    )
    chosen = None
    if npi is not None and query.npi:
        chosen = next((m for m in npi.matches if m.npi == query.npi), None)
    elif npi is not None and len(npi.matches) == 1:
        chosen = npi.matches[0]

    step("pubmed")
    author = AuthorQuery(name.first, name.last, affiliation=query.affiliation)
    pubmed = _attempt(
        problems,
        "PubMed",
        lambda: clients.pubmed.profile(
            author,
            topic_term=topic_query(
                mesh_heading=query.cancer.mesh_heading, words=query.cancer.label
            ),
            since_year=since_year,
        ),
    )

    step("trials")
    trials = _attempt(
        problems,
        "ClinicalTrials.gov",
        lambda: clients.ctgov.search_investigator(first_name=name.first, last_name=name.last),
    )
    on_cancer = (
        trials.on_cancer(query.cancer.mesh_heading, (query.cancer.label, *query.cancer.keywords))
        if trials is not None
        else ()
    )
    card = EvidenceCard(
        doctor_name=query.full_name.strip(),
        cancer=query.cancer,
        since_year=since_year,
        affiliation=query.affiliation,
        state=query.state,
        npi=npi,
        chosen=chosen,
        pubmed=pubmed,
        trials=trials,
        trials_on_cancer=on_cancer,
        problems=tuple(problems),
    )
    card.sentence = card_sentence(card)
    card.cautions = card_cautions(card)
    step("done")
    return card
