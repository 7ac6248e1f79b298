"""NPPES NPI Registry (API version 2.1): find an individual doctor by name, and state if known.

Traps handled here (see /work/shared/data/api-shapes): errors come back as HTTP 200 with a
top-level "Errors" list; `number` and the epoch fields are strings in 2.1 but ints in older
recordings; the practice address is the one whose `address_purpose` is "LOCATION".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import base
from .base import ApiError, Fetched, JsonFetcher, as_int

NPPES_URL = "https://npiregistry.cms.hhs.gov/api/"
SOURCE = "the NPI registry"
SOURCE_START = "The NPI registry"
# The registry publishes no limit; two a second is gentle enough for a patient tool.
NPPES_BUDGET = (2, 1.0)
# The API returns at most 200 per page; 50 is plenty for a patient to choose from.
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class PracticeLocation:
    street: str
    city: str
    state: str
    postal_code: str
    phone: str = ""

    def one_line(self) -> str:
        parts = [self.street, self.city, f"{self.state} {self.postal_code}".strip()]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class NpiMatch:
    npi: str
    first_name: str
    last_name: str
    middle_name: str = ""
    credential: str = ""
    specialty: str = ""  # primary taxonomy description, e.g. "Internal Medicine, Medical Oncology"
    taxonomy_code: str = ""
    license_state: str = ""
    location: PracticeLocation | None = None
    active: bool = True

    @property
    def display_name(self) -> str:
        names = " ".join(n for n in (self.first_name, self.middle_name, self.last_name) if n)
        name = names.title()
        return f"{name}, {self.credential}" if self.credential else name

    @property
    def registry_url(self) -> str:
        return f"https://npiregistry.cms.hhs.gov/provider-view/{self.npi}"


@dataclass(frozen=True)
class NpiSearch:
    matches: tuple[NpiMatch, ...]
    fetched_at: datetime
    stale: bool = False
    limit: int = DEFAULT_LIMIT

    @property
    def maybe_more(self) -> bool:
        """The registry stops at `limit`; a full page means there may be more people."""
        return len(self.matches) >= self.limit


def check_npi_payload(payload: Any) -> None:
    """Raise ApiError when the registry put an error inside an HTTP 200 answer."""
    if not isinstance(payload, dict):
        raise ApiError(f"{SOURCE_START} sent an answer we could not read.", source=SOURCE)
    errors = payload.get("Errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else errors
        detail = first.get("description", "") if isinstance(first, dict) else str(first)
        message = f"{SOURCE_START} could not run this search"
        raise ApiError(f"{message}: {detail}." if detail else f"{message}.", source=SOURCE)


def _postal(code: str) -> str:
    digits = re.sub(r"\D", "", code or "")
    return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else (code or "")


def _location(result: dict[str, Any]) -> PracticeLocation | None:
    addresses = [a for a in result.get("addresses") or [] if isinstance(a, dict)]
    chosen = next((a for a in addresses if a.get("address_purpose") == "LOCATION"), None)
    if chosen is None:
        # Some records list practice sites only under practiceLocations.
        extra = [a for a in result.get("practiceLocations") or [] if isinstance(a, dict)]
        chosen = extra[0] if extra else None
    if chosen is None:
        return None
    street = ", ".join(p for p in (chosen.get("address_1"), chosen.get("address_2")) if p)
    return PracticeLocation(
        street=street.title(),
        city=(chosen.get("city") or "").title(),
        state=chosen.get("state") or "",
        postal_code=_postal(chosen.get("postal_code") or ""),
        phone=chosen.get("telephone_number") or "",
    )


def parse_npi_result(result: dict[str, Any]) -> NpiMatch | None:
    """One registry record -> NpiMatch; None for organisations or records without a number."""
    basic = result.get("basic") or {}
    number = result.get("number")
    if number in (None, ""):
        return None
    # 2.1 sends "1234567893"; older recordings send 1234567893. Keep leading zeros impossible
    # to lose by formatting ints to 10 digits.
    npi = str(number).strip() if isinstance(number, str) else f"{as_int(number):010d}"
    if result.get("enumeration_type") not in (None, "NPI-1"):
        return None
    taxonomies = [t for t in result.get("taxonomies") or [] if isinstance(t, dict)]
    primary = next((t for t in taxonomies if t.get("primary") in (True, "true", "Y")), None)
    primary = primary or (taxonomies[0] if taxonomies else {})
    return NpiMatch(
        npi=npi,
        first_name=(basic.get("first_name") or "").strip(),
        last_name=(basic.get("last_name") or "").strip(),
        middle_name=(basic.get("middle_name") or "").strip(),
        credential=(basic.get("credential") or "").strip(),
        specialty=(primary.get("desc") or "").strip(),
        taxonomy_code=(primary.get("code") or "").strip(),
        license_state=(primary.get("state") or "").strip(),
        location=_location(result),
        active=(basic.get("status") or "A") == "A",
    )


def parse_npi_search(payload: Any) -> list[NpiMatch]:
    check_npi_payload(payload)
    matches = []
    for result in payload.get("results") or []:
        if isinstance(result, dict):
            match = parse_npi_result(result)
            if match is not None:
                matches.append(match)
    return matches


def clean_name(value: str) -> str:
    """Drop characters the registry rejects (it treats '*' as a wildcard, for one)."""
    return re.sub(r"[^A-Za-z\-' .]", "", value).strip()


class NpiClient:
    def __init__(self, *, fetcher: JsonFetcher | None = None, **fetcher_kwargs: Any) -> None:
        if fetcher is None:
            calls, period = NPPES_BUDGET
            fetcher_kwargs.setdefault(
                "limiter", base.shared_limiter("nppes", max_calls=calls, period=period)
            )
            fetcher = JsonFetcher(source=SOURCE, **fetcher_kwargs)
        self.fetcher = fetcher

    def search(
        self, *, first_name: str, last_name: str, state: str = "", limit: int = DEFAULT_LIMIT
    ) -> NpiSearch:
        first, last = clean_name(first_name), clean_name(last_name)
        if len(last) < 2:
            raise ApiError("Please give the doctor's full last name.", source=SOURCE)
        params: dict[str, Any] = {
            "version": "2.1",
            "enumeration_type": "NPI-1",
            "last_name": last,
            "limit": limit,
        }
        if first:
            params["first_name"] = first
        if state:
            params["state"] = state.strip().upper()[:2]
        fetched: Fetched = self.fetcher.get_json(NPPES_URL, params, check=check_npi_payload)
        return NpiSearch(
            matches=tuple(parse_npi_search(fetched.data)),
            fetched_at=fetched.fetched_at,
            stale=fetched.stale,
            limit=limit,
        )
