"""The cancer-center directory as plain data: parse, validate, and explain in plain words.

Pure module: no Django. The Django side (model, reload command) calls `directory_parse` and only
writes when the whole file passed, so a bad file never leaves a half-updated directory.

Decisions kept here so every screen says the same thing:
- Basic laboratory centers do research only and see no patients. They stay in the directory and in
  search results (a patient may recognise the name), but are marked "research lab only: does not see
  patients" and are never offered as a place to ask for a second opinion.
- Remote program "unknown" means nobody found a public page. It is shown as "not known: ask them",
  never as "no".
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

BUNDLED_CSV = Path(__file__).parent / "data" / "nci_cancer_centers.csv"

REQUIRED_COLUMNS = (
    "name",
    "parent_institution",
    "designation",
    "city",
    "state",
    "website",
    "remote_second_opinion",
    "remote_access",
    "remote_second_opinion_url",
    "latitude",
    "longitude",
    "notes",
    "source",
    "verified_on",
)
# Added with the December 2026 directory; a file without them still loads (no phone shown).
OPTIONAL_COLUMNS = ("phone", "phone_source", "second_opinion_phone")
PHONE_FORMAT = re.compile(r"\+1-\d{3}-\d{3}-\d{4}")

COMPREHENSIVE = "Comprehensive Cancer Center"
CLINICAL = "Cancer Center (Clinical)"
BASIC = "Basic Laboratory Cancer Center"
DESIGNATIONS = (COMPREHENSIVE, CLINICAL, BASIC)

# Short keys for URLs, forms and the CLI.
DESIGNATION_KEYS = {"comprehensive": COMPREHENSIVE, "clinical": CLINICAL, "basic": BASIC}

DESIGNATION_LABELS = {
    COMPREHENSIVE: "Comprehensive cancer center: treats patients and leads research",
    CLINICAL: "Cancer center: treats patients and runs clinical studies",
    BASIC: "Research lab only: does not see patients",
}

REMOTE_VALUES = ("yes", "no", "unknown")
REMOTE_LABELS = {
    "yes": "Offers remote second opinions",
    "no": "No remote second opinions",
    "unknown": "Not known: ask them",
}

# Each tag from the data, said the way a patient can act on it.
ACCESS_LABELS = {
    "direct": "You can ask for it yourself.",
    "benefit": (
        "Only through an employer or health-plan benefit (for example WorldCare or AccessHope). "
        "Ask your employer's benefits office or your insurer if you have it."
    ),
    "physician": "Your own doctor has to ask for it on your behalf.",
    "international": "Offered to patients who live outside the United States.",
    "network": "Only for patients of hospitals that belong to their network. Ask your hospital.",
    "limited": "Only some cancers, states or patients. Read the notes and ask them.",
    "unverified": "The information we found is old or thin. Check with them.",
}

US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR".split()
)


class DirectoryError(ValueError):
    """A directory file that cannot be used. `problems` holds (line number, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        shown = "; ".join(f"line {line}: {msg}" for line, msg in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"The directory file was not used. {shown}{more}")


@dataclass(frozen=True)
class Center:
    key: str
    name: str
    parent_institution: str
    designation: str
    city: str
    state: str
    website: str
    remote_second_opinion: str
    remote_access: tuple[str, ...]
    remote_second_opinion_url: str
    latitude: float
    longitude: float
    notes: str
    source: str
    verified_on: date
    # Numbers a stored public page gave (written +1-XXX-XXX-XXXX); "" when none was found.
    phone: str = ""
    phone_source: str = ""
    second_opinion_phone: str = ""

    @property
    def sees_patients(self) -> bool:
        return self.designation != BASIC

    @property
    def designation_label(self) -> str:
        return DESIGNATION_LABELS[self.designation]

    @property
    def remote_label(self) -> str:
        return REMOTE_LABELS[self.remote_second_opinion]

    @property
    def access_explained(self) -> list[str]:
        return [ACCESS_LABELS[tag] for tag in self.remote_access]

    @property
    def phone_uri(self) -> str:
        return phone_uri(self.phone)

    @property
    def second_opinion_phone_uri(self) -> str:
        return phone_uri(self.second_opinion_phone)

    @property
    def website_url(self) -> str:
        """The website as a link; the data stores bare domains."""
        if not self.website or self.website.startswith(("http://", "https://")):
            return self.website
        return "https://" + self.website


def phone_uri(phone: str) -> str:
    """A tel: link for a number written +1-XXX-XXX-XXXX ("" for no number)."""
    return "tel:" + phone.replace("-", "") if phone else ""


def center_key(name: str, city: str, state: str) -> str:
    """Stable key for a row: Mayo Clinic has one name and three campuses, so the city is part."""
    text = f"{name} {city} {state}".lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def _row_problems(row: dict[str, str]) -> tuple[list[str], Center | None]:
    problems: list[str] = []
    get = {k: (row.get(k) or "").strip() for k in (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)}
    problems.extend(
        f"'{col}' is empty"
        for col in ("name", "city", "state", "designation", "remote_second_opinion")
        if not get[col]
    )
    if get["designation"] and get["designation"] not in DESIGNATIONS:
        problems.append(
            f"designation '{get['designation']}' is not one of {', '.join(DESIGNATIONS)}"
        )
    if get["state"] and get["state"] not in US_STATES:
        problems.append(f"state '{get['state']}' is not a US state code")
    problems.extend(
        f"{col} '{get[col]}' is not written like +1-617-555-0100"
        for col in ("phone", "second_opinion_phone")
        if get[col] and not PHONE_FORMAT.fullmatch(get[col])
    )
    remote = get["remote_second_opinion"]
    if remote and remote not in REMOTE_VALUES:
        problems.append(f"remote_second_opinion '{remote}' must be yes, no or unknown")
    tags = tuple(t.strip() for t in get["remote_access"].split(";") if t.strip())
    unknown_tags = [t for t in tags if t not in ACCESS_LABELS]
    if unknown_tags:
        problems.append(f"remote_access tag(s) {', '.join(unknown_tags)} not known")
    if tags and remote != "yes":
        problems.append("remote_access is only allowed when remote_second_opinion is yes")
    coords: list[float] = []
    for col, low, high in (("latitude", 17.0, 72.0), ("longitude", -180.0, -64.0)):
        try:
            value = float(get[col])
        except ValueError:
            problems.append(f"{col} '{get[col]}' is not a number")
            continue
        if not math.isfinite(value) or not low <= value <= high:
            problems.append(f"{col} {value} is outside the United States")
            continue
        coords.append(value)
    try:
        verified = date.fromisoformat(get["verified_on"])
    except ValueError:
        problems.append(f"verified_on '{get['verified_on']}' is not a date like 2026-01-31")
        verified = None
    if problems or verified is None:
        return problems, None
    center = Center(
        key=center_key(get["name"], get["city"], get["state"]),
        name=get["name"],
        parent_institution=get["parent_institution"],
        designation=get["designation"],
        city=get["city"],
        state=get["state"],
        website=get["website"],
        remote_second_opinion=remote,
        remote_access=tags,
        remote_second_opinion_url=get["remote_second_opinion_url"],
        latitude=coords[0],
        longitude=coords[1],
        notes=get["notes"],
        source=get["source"],
        verified_on=verified,
        phone=get["phone"],
        phone_source=get["phone_source"],
        second_opinion_phone=get["second_opinion_phone"],
    )
    return [], center


def directory_parse(text: str) -> list[Center]:
    """Parse a whole directory CSV or raise DirectoryError naming every bad line.

    Line numbers are the file's physical lines (the header is line 1), so a quoted note spanning
    several lines still points at where its row starts.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DirectoryError([(1, f"missing column(s): {', '.join(missing)}")])
    problems: list[tuple[int, str]] = []
    centers: list[Center] = []
    seen: dict[str, int] = {}
    start = reader.line_num + 1
    try:
        for row in reader:
            line = start
            start = reader.line_num + 1
            if None in row or any(v is None for v in row.values()):
                problems.append((line, "wrong number of fields"))
                continue
            row_problems, center = _row_problems(row)
            problems.extend((line, p) for p in row_problems)
            if center is None:
                continue
            if center.key in seen:
                problems.append((line, f"same center and city as line {seen[center.key]}"))
                continue
            seen[center.key] = line
            centers.append(center)
    except csv.Error as exc:
        problems.append((reader.line_num, f"not valid CSV ({exc})"))
    if problems:
        raise DirectoryError(problems)
    if not centers:
        raise DirectoryError([(2, "the file has no centers")])
    return centers


def directory_read(path: Path | str) -> list[Center]:
    """Read and validate a CSV file from disk (UTF-8, with or without a byte-order mark)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DirectoryError([(0, f"the file is not UTF-8 text ({exc.reason})")]) from exc
    return directory_parse(text)


@cache
def bundled_centers() -> tuple[Center, ...]:
    """The directory shipped inside the package, parsed once per process."""
    return tuple(directory_read(BUNDLED_CSV))
