"""ClinicalTrials.gov (API v2, /studies): trials a doctor leads.

The search is field-specific, never loose full text: the doctor's name must appear in the
"overall official" field or as the responsible-party investigator. Essie matches words, and a
trial with two officials ("Jane Doe" and "John Smith") would match "Jane AND Smith", so every
hit is checked here again: one listed person must carry both names.

Traps handled (see /work/shared/data/api-shapes): `nextPageToken` is absent on the last page;
`totalCount` comes only with countTotal=true (first page).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import base
from .base import ApiError, JsonFetcher, as_int

CTGOV_URL = "https://clinicaltrials.gov/api/v2/studies"
SOURCE = "ClinicalTrials.gov"
# The service documents roughly 50 requests a minute per address; stay under it.
CTGOV_BUDGET = (40, 60.0)
FIELDS = ",".join(
    [
        "NCTId",
        "BriefTitle",
        "OverallStatus",
        "Phase",
        "Condition",
        "ConditionMeshTerm",
        "ConditionAncestorTerm",
        "OverallOfficialName",
        "OverallOfficialAffiliation",
        "OverallOfficialRole",
        "ResponsiblePartyType",
        "ResponsiblePartyInvestigatorFullName",
        "StartDate",
    ]
)

# Open to patients first, then running, then finished or stopped.
STATUS_ORDER = {
    "RECRUITING": 0,
    "NOT_YET_RECRUITING": 1,
    "ENROLLING_BY_INVITATION": 2,
    "ACTIVE_NOT_RECRUITING": 3,
    "COMPLETED": 4,
}
STATUS_WORDS = {
    "RECRUITING": "Recruiting (taking new patients)",
    "NOT_YET_RECRUITING": "Not yet recruiting",
    "ENROLLING_BY_INVITATION": "Enrolling by invitation only",
    "ACTIVE_NOT_RECRUITING": "Running, not taking new patients",
    "COMPLETED": "Completed",
    "SUSPENDED": "Paused",
    "TERMINATED": "Stopped early",
    "WITHDRAWN": "Withdrawn before starting",
    "UNKNOWN": "Status not updated",
}
PHASE_WORDS = {
    "EARLY_PHASE1": "Early phase 1",
    "PHASE1": "Phase 1",
    "PHASE2": "Phase 2",
    "PHASE3": "Phase 3",
    "PHASE4": "Phase 4",
    "NA": "No phase",
}
ROLE_WORDS = {
    "PRINCIPAL_INVESTIGATOR": "Principal investigator (leads the trial)",
    "STUDY_CHAIR": "Study chair (leads the trial)",
    "STUDY_DIRECTOR": "Study director",
    "RESPONSIBLE_PARTY": "Investigator responsible for the trial",
}
_TITLES = frozenset(
    "md do phd mph ms msc mbbs mbchb frcp frcpc facp facs fasco mba rn np pa dr prof professor"
    " jr sr ii iii".split()
)


def name_tokens(name: str) -> set[str]:
    """Lower-case name words without titles and degrees ("Jane A. Smith, MD" -> jane, a, smith)."""
    words = re.findall(r"[a-z]+(?:['-][a-z]+)*", name.lower())
    return {w for w in words if w not in _TITLES}


def same_person(listed: str, first_name: str, last_name: str) -> bool:
    tokens = name_tokens(listed)
    wanted_last = name_tokens(last_name)
    wanted_first = name_tokens(first_name)
    return (
        bool(wanted_last) and wanted_last <= tokens and (not wanted_first or wanted_first <= tokens)
    )


@dataclass(frozen=True)
class Trial:
    nct_id: str
    title: str
    status: str
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    mesh_terms: tuple[str, ...]  # condition headings and their broader headings
    role: str
    start_date: str = ""

    @property
    def link(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"

    @property
    def recruiting(self) -> bool:
        return self.status == "RECRUITING"

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status.replace("_", " ").capitalize())

    @property
    def phase_words(self) -> str:
        return ", ".join(PHASE_WORDS.get(p, p) for p in self.phases) or "Phase not given"

    @property
    def role_words(self) -> str:
        return ROLE_WORDS.get(self.role, self.role.replace("_", " ").capitalize())

    def is_on(self, mesh_heading: str, keywords: Sequence[str] = ()) -> bool:
        """True when the trial is about this cancer: by MeSH heading, else by condition words."""
        heading = mesh_heading.strip().lower()
        if heading and heading in (m.lower() for m in self.mesh_terms):
            return True
        # Word starts only: "pancrea" finds "pancreatic", but "all" must not find "small".
        text = " ".join(self.conditions).lower()
        return any(
            re.search(r"\b" + re.escape(k.strip().lower()), text) for k in keywords if k.strip()
        )


@dataclass(frozen=True)
class TrialSearch:
    trials: tuple[Trial, ...]  # recruiting first
    fetched_at: datetime
    stale: bool = False
    total_count: int | None = None  # hits before our name check
    truncated: bool = False  # more pages existed than we read

    def on_cancer(self, mesh_heading: str, keywords: Sequence[str] = ()) -> tuple[Trial, ...]:
        return tuple(t for t in self.trials if t.is_on(mesh_heading, keywords))


def _role_for(protocol: dict[str, Any], first_name: str, last_name: str) -> str | None:
    contacts = protocol.get("contactsLocationsModule") or {}
    for official in contacts.get("overallOfficials") or []:
        if isinstance(official, dict) and same_person(
            str(official.get("name") or ""), first_name, last_name
        ):
            return str(official.get("role") or "PRINCIPAL_INVESTIGATOR")
    sponsors = protocol.get("sponsorCollaboratorsModule") or {}
    party = sponsors.get("responsibleParty") or {}
    if same_person(str(party.get("investigatorFullName") or ""), first_name, last_name):
        return "RESPONSIBLE_PARTY"
    return None


def parse_study(study: dict[str, Any], first_name: str, last_name: str) -> Trial | None:
    """One study -> Trial, or None when no listed official is this person."""
    protocol = study.get("protocolSection") or {}
    role = _role_for(protocol, first_name, last_name)
    ident = protocol.get("identificationModule") or {}
    if role is None or not ident.get("nctId"):
        return None
    status = protocol.get("statusModule") or {}
    design = protocol.get("designModule") or {}
    conditions = protocol.get("conditionsModule") or {}
    browse = (study.get("derivedSection") or {}).get("conditionBrowseModule") or {}
    mesh = [
        m.get("term", "") for m in (browse.get("meshes") or []) + (browse.get("ancestors") or [])
    ]
    return Trial(
        nct_id=str(ident["nctId"]),
        title=str(ident.get("briefTitle") or ident.get("officialTitle") or "").strip(),
        status=str(status.get("overallStatus") or "UNKNOWN"),
        phases=tuple(str(p) for p in design.get("phases") or []),
        conditions=tuple(str(c) for c in conditions.get("conditions") or []),
        mesh_terms=tuple(m for m in mesh if m),
        role=role,
        start_date=str((status.get("startDateStruct") or {}).get("date") or ""),
    )


def sort_trials(trials: Sequence[Trial]) -> tuple[Trial, ...]:
    """Recruiting first; newest start first within a status."""
    by_start = sorted(trials, key=lambda t: t.start_date, reverse=True)
    return tuple(sorted(by_start, key=lambda t: STATUS_ORDER.get(t.status, 9)))


def check_studies_page(payload: Any) -> None:
    if not isinstance(payload, dict) or not isinstance(payload.get("studies", []), list):
        raise ApiError(f"{SOURCE} sent an answer we could not read.", source=SOURCE)


def investigator_query(first_name: str, last_name: str) -> str:
    words = " AND ".join(sorted(name_tokens(f"{first_name} {last_name}"), key=len, reverse=True))
    return (
        f"AREA[OverallOfficialName]({words}) OR AREA[ResponsiblePartyInvestigatorFullName]({words})"
    )


class CtGovClient:
    def __init__(self, *, fetcher: JsonFetcher | None = None, **fetcher_kwargs: Any) -> None:
        if fetcher is None:
            calls, period = CTGOV_BUDGET
            fetcher_kwargs.setdefault(
                "limiter", base.shared_limiter("ctgov", max_calls=calls, period=period)
            )
            fetcher = JsonFetcher(source=SOURCE, **fetcher_kwargs)
        self.fetcher = fetcher

    def search_investigator(
        self, *, first_name: str, last_name: str, page_size: int = 100, max_pages: int = 3
    ) -> TrialSearch:
        if not name_tokens(last_name):
            raise ApiError("Please give the doctor's last name.", source=SOURCE)
        base = {
            "query.term": investigator_query(first_name, last_name),
            "fields": FIELDS,
            "pageSize": page_size,
            "format": "json",
        }
        trials: list[Trial] = []
        total: int | None = None
        times: list[datetime] = []
        stale = False
        token = ""
        pages = 0
        while True:
            params = dict(base, countTotal="true") if not token else dict(base, pageToken=token)
            fetched = self.fetcher.get_json(CTGOV_URL, params, check=check_studies_page)
            pages += 1
            times.append(fetched.fetched_at)
            stale = stale or fetched.stale
            if total is None and "totalCount" in fetched.data:
                total = as_int(fetched.data["totalCount"])
            for study in fetched.data.get("studies") or []:
                trial = (
                    parse_study(study, first_name, last_name) if isinstance(study, dict) else None
                )
                if trial is not None:
                    trials.append(trial)
            token = str(fetched.data.get("nextPageToken") or "")
            if not token or pages >= max_pages:
                break
        unique = {t.nct_id: t for t in trials}
        return TrialSearch(
            trials=sort_trials(list(unique.values())),
            fetched_at=min(times),
            stale=stale,
            total_count=total,
            truncated=bool(token),
        )
