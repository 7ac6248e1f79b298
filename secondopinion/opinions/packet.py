"""Write and check the packet a reviewing doctor receives: one ZIP file.

Pure core: no Django. The caller hands over plain data (files already in the vault, with the
size and SHA-256 recorded when they were stored, plus a few generated files such as the cover
letter) and gets a ZIP on disk.

Why it is built this way:
- Memory stays flat however big the CD is: each file is copied in fixed-size chunks straight
  into the archive, never read whole.
- Every byte is read once. While copying, the same chunks feed the SHA-256 check against the
  vault's digest, so a file that changed on disk since upload is caught without a second pass.
  A mismatch stops the build and names the document; nothing half-written is left behind
  (we write to a temporary name in the same folder and rename at the end).
- Files are stored, not compressed: PDFs, JPEGs and DICOM images barely shrink, and storing keeps
  the build as fast as a plain copy.
- `SHA256SUMS` uses the exact line format of GNU `sha256sum`, so anyone can check the unpacked
  folder with `sha256sum -c SHA256SUMS`, and `packet_verify` checks the ZIP itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from secondopinion.core.vault import files as vault_files

CHUNK_SIZE = vault_files.CHUNK_SIZE
SUMS_NAME = "SHA256SUMS"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "secondopinion-packet/1"
# Readable names stay well under common path limits (Windows 260) once unpacked.
MAX_NAME = 80

# Folder order as a reviewer would read a case, keyed by the records app's document types;
# unknown types sort after these.
TYPE_FOLDERS: dict[str, str] = {
    "clinical_summary": "Summaries and visit notes",
    "treatment_plan": "Treatment plans",
    "pathology_report": "Pathology reports",
    "imaging_report": "Imaging reports",
    "lab_results": "Lab results",
    "genomic_report": "Genomic test reports",
    "operative_report": "Surgery reports",
    "medication_list": "Medication lists",
    "second_opinion_report": "Earlier second opinions",
    "imaging_study": "Imaging files",
    "other": "Other documents",
}

Progress = Callable[[int, int], None]


class PacketError(Exception):
    """The packet could not be written; the message is safe to show the patient."""


class DigestMismatch(PacketError):
    """A stored file no longer matches the digest recorded when it was uploaded."""

    def __init__(self, label: str, arcname: str) -> None:
        self.label = label
        self.arcname = arcname
        super().__init__(
            f"“{label}” has changed since it was stored, so it was not put in the packet. "
            "Please upload it again, then build the packet again."
        )


@dataclass(frozen=True)
class SourceFile:
    """One file from the vault, as the caller knows it. Nothing here is recomputed."""

    source: Path
    size: int
    sha256: str
    kind: str  # a key of TYPE_FOLDERS, or "imaging" for DICOM instances
    title: str  # readable name ("Biopsy report"); for DICOM the original file name
    label: str = ""  # what to call the file in messages; defaults to the title
    date: date | None = None
    origin: str = ""  # where it came from: a hospital, a lab, "CD from ..."
    extension: str = ""  # ".pdf"; taken from source when empty
    study: str = ""  # imaging only: readable study folder ("2026-03-02 CT chest")
    series: str = ""  # imaging only: readable series folder ("Series 3 axial")
    # For files not on local disk (object storage): returns a binary stream to read from.
    opener: Callable[[], BinaryIO] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class PacketEntry:
    """A vault file placed at its name inside the ZIP."""

    arcname: str
    file: SourceFile


@dataclass(frozen=True)
class GeneratedFile:
    """A small file made for this packet (cover letter, case summary)."""

    arcname: str
    data: bytes
    kind: str
    title: str


@dataclass
class PacketResult:
    path: Path
    files: int
    bytes_written: int
    manifest: dict[str, Any] = field(repr=False)


# --- names -------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)
}


def safe_name(text: str, *, fallback: str = "file") -> str:
    """A file or folder name that unpacks safely on Windows, macOS and Linux.

    Keeps letters from any language (a name like "Zoë" stays readable) but drops path
    separators, control characters and the characters Windows refuses, and never yields
    "." / ".." or a reserved device name.
    """
    text = unicodedata.normalize("NFC", text)
    # Control characters (C0 and C1), lone surrogates and line separators become spaces.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in text
    )
    text = _UNSAFE.sub(" ", text)
    text = _SPACES.sub(" ", text).strip(" .")
    if len(text) > MAX_NAME:
        text = text[:MAX_NAME].rstrip(" .")
    if not text or text.split(".")[0].lower() in _WINDOWS_RESERVED:
        text = f"{fallback} {text}".strip() if text else fallback
    return text


def _extension(file: SourceFile) -> str:
    ext = file.extension or Path(str(file.source)).suffix
    ext = ext.lower()
    if ext and not ext.startswith("."):
        ext = "." + ext
    return ext if re.fullmatch(r"\.[a-z0-9]{1,8}", ext) else ""


def _folder_for(kind: str) -> str:
    keys = list(TYPE_FOLDERS)
    if kind in TYPE_FOLDERS:
        index = keys.index(kind) + 1
        label = TYPE_FOLDERS[kind]
    else:
        index = len(keys) + 1
        label = safe_name(kind.replace("_", " ").capitalize(), fallback="Other documents")
    return f"{index:02d} {label}"


def _unique(name: str, taken: set[str]) -> str:
    """Add " (2)", " (3)"... before the extension until the name is free (case-insensitive,
    because Windows and macOS folders are)."""
    path = PurePosixPath(name)
    stem, suffix, parent = path.stem, path.suffix, str(path.parent)
    candidate, n = name, 1
    while candidate.lower() in taken:
        n += 1
        leaf = f"{stem} ({n}){suffix}"
        candidate = leaf if parent == "." else f"{parent}/{leaf}"
    taken.add(candidate.lower())
    return candidate


def packet_layout(
    files: Iterable[SourceFile], *, reserved: Iterable[str] = ()
) -> list[PacketEntry]:
    """Place each vault file at a readable, safe and unique name.

    Documents go in numbered folders by type ("documents/02 Pathology reports/2026-03-01
    Biopsy report.pdf"); DICOM instances keep their bytes and go in study/series folders
    under "imaging/". Names already used by generated files are passed as `reserved`.
    """
    taken = {name.lower() for name in reserved}
    entries = []
    for file in files:
        ext = _extension(file)
        if file.kind == "imaging":
            study = safe_name(file.study, fallback="Study")
            series = safe_name(file.series, fallback="Series")
            leaf = safe_name(Path(file.title).name, fallback="image")
            if not Path(leaf).suffix and ext:
                leaf += ext
            name = f"imaging/{study}/{series}/{leaf}"
        else:
            title = safe_name(file.title, fallback="Document")
            if file.date:
                title = f"{file.date.isoformat()} {title}"
            if ext and not title.lower().endswith(ext):
                title += ext
            name = f"documents/{_folder_for(file.kind)}/{title}"
        entries.append(PacketEntry(arcname=_unique(name, taken), file=file))
    return entries


# --- writing -----------------------------------------------------------------------------


def _zinfo(arcname: str, size: int, when: datetime) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(arcname, date_time=when.timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size  # lets zipfile pick ZIP64 headers up front for files over 4 GiB
    info.external_attr = 0o644 << 16
    return info


def _copy_verified(
    zf: zipfile.ZipFile,
    entry: PacketEntry,
    when: datetime,
    buffer: memoryview,
    advance: Callable[[int], None],
) -> None:
    file = entry.file
    try:
        source = file.opener() if file.opener else open(file.source, "rb")  # noqa: SIM115
    except OSError as exc:
        raise PacketError(
            f"“{file.label or file.title}” could not be read from storage, so the packet was not made."
        ) from exc
    with source:
        copy = vault_files.zip_copy(
            zf,
            _zinfo(entry.arcname, file.size, when),
            source,
            sha256=file.sha256,
            size=file.size,
            buffer=buffer,
            advance=advance,
        )
    # A stored file with no recorded digest cannot be checked, so it is not copied blind.
    if not copy.expected or not file.sha256:
        raise DigestMismatch(file.label or file.title, entry.arcname)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def manifest_build(
    *,
    entries: Sequence[PacketEntry],
    generated: Sequence[GeneratedFile],
    generated_digests: dict[str, str],
    created: datetime,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The manifest: every file in the packet with its type, date, source, size and SHA-256."""
    files: list[dict[str, Any]] = [
        {
            "path": g.arcname,
            "type": g.kind,
            "title": g.title,
            "date": created.date().isoformat(),
            "source": "Made by Second Opinion Navigator for this packet",
            "size": len(g.data),
            "sha256": generated_digests[g.arcname],
        }
        for g in generated
    ]
    for e in entries:
        f = e.file
        item: dict[str, Any] = {
            "path": e.arcname,
            "type": f.kind,
            "title": f.label or f.title,
            "date": _iso(f.date),
            "source": f.origin,
            "size": f.size,
            "sha256": f.sha256.lower(),
        }
        if f.kind == "imaging":
            item["study"], item["series"] = f.study, f.series
        files.append(item)
    return {
        "format": MANIFEST_FORMAT,
        "created": created.isoformat(timespec="seconds"),
        **(meta or {}),
        "files": files,
    }


def sums_line(sha256: str, name: str) -> str:
    """One line as `sha256sum` prints it: digest, two spaces (text mode), name.

    GNU sha256sum escapes a name holding a backslash or newline and marks the line with a
    leading backslash; we do the same so `sha256sum -c` accepts any name.
    """
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha256.lower()}  {escaped}\n"
    return f"{sha256.lower()}  {name}\n"


def packet_write(
    *,
    out: Path,
    files: Sequence[SourceFile],
    generated: Sequence[GeneratedFile] = (),
    meta: dict[str, Any] | None = None,
    created: datetime | None = None,
    progress: Progress | None = None,
    chunk_size: int = CHUNK_SIZE,
    durable: bool = True,
) -> PacketResult:
    """Write the packet ZIP at `out` and return what went in.

    `progress(done_bytes, total_bytes)` is called as bytes are copied (at most once per chunk).
    Raises DigestMismatch (naming the document) or PacketError; `out` is then untouched.
    `durable` flushes the file to disk before the rename, so a crash cannot leave a packet
    that looks finished but is not; it costs the time the disk needs to take the bytes.
    """
    out = Path(out)
    created = created or datetime.now(UTC)
    when = created if created.year >= 1980 else datetime(1980, 1, 1)
    reserved = [g.arcname for g in generated] + [MANIFEST_NAME, SUMS_NAME]
    entries = packet_layout(files, reserved=reserved)
    total = sum(f.size for f in files) + sum(len(g.data) for g in generated)
    done = 0
    last_report = -1

    def advance(n: int) -> None:
        nonlocal done, last_report
        done += n
        if progress and done != last_report:
            last_report = done
            progress(done, total)

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    buffer = memoryview(bytearray(chunk_size))
    try:
        with (
            os.fdopen(fd, "wb") as raw,
            zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as zf,
        ):
            digests: dict[str, str] = {}
            for g in generated:
                digests[g.arcname] = hashlib.sha256(g.data).hexdigest()
                zf.writestr(_zinfo(g.arcname, len(g.data), when), g.data)
                advance(len(g.data))
            for entry in entries:
                _copy_verified(zf, entry, when, buffer, advance)
            manifest = manifest_build(
                entries=entries,
                generated=generated,
                generated_digests=digests,
                created=created,
                meta=meta,
            )
            manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            zf.writestr(_zinfo(MANIFEST_NAME, len(manifest_bytes), when), manifest_bytes)
            sums = [sums_line(digests[g.arcname], g.arcname) for g in generated]
            sums += [sums_line(e.file.sha256, e.arcname) for e in entries]
            sums.append(sums_line(hashlib.sha256(manifest_bytes).hexdigest(), MANIFEST_NAME))
            sums_bytes = "".join(sums).encode()
            zf.writestr(_zinfo(SUMS_NAME, len(sums_bytes), when), sums_bytes)
            raw.flush()
            if durable:
                os.fsync(raw.fileno())
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return PacketResult(
        path=out,
        files=len(entries) + len(generated) + 2,
        bytes_written=out.stat().st_size,
        manifest=manifest,
    )


# --- checking ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    name: str
    reason: str  # "missing", "changed", "damaged", "size differs", "not in SHA256SUMS"

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class VerifyReport:
    path: Path
    checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    unlisted: list[str] = field(default_factory=list)  # in the ZIP but in no list; not an error
    error: str = ""  # the file could not be read as a packet at all

    @property
    def ok(self) -> bool:
        return not self.error and not self.problems


_ESCAPES = {"n": "\n", "r": "\r", "\\": "\\"}


def _unescape(m: re.Match[str]) -> str:
    return _ESCAPES.get(m[1], m[0])


def sums_parse(text: str) -> list[tuple[str, str]]:
    """Parse `sha256sum` output into (digest, name) pairs; binary-mode `*name` is accepted."""
    pairs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        escaped = line.startswith("\\")
        if escaped:
            line = line[1:]
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line)
        if not match:
            raise ValueError("SHA256SUMS has a line that is not in sha256sum format")
        digest: str = match.group(1)
        name: str = match.group(2)
        if escaped:
            name = re.sub(r"\\(.)", _unescape, name)
        pairs.append((digest.lower(), name))
    return pairs


def _find_base(names: list[str]) -> str | None:
    """The folder holding SHA256SUMS inside the ZIP: "" at the top, or "packet/" if someone
    re-zipped the unpacked folder. The shallowest copy wins."""
    candidates = [n for n in names if PurePosixPath(n).name == SUMS_NAME]
    if not candidates:
        return None
    best = min(candidates, key=lambda n: n.count("/"))
    return best[: -len(SUMS_NAME)]


def _hash_member(zf: zipfile.ZipFile, name: str, chunk_size: int) -> tuple[str | None, int]:
    """SHA-256 and size of one member, or (None, 0) when the ZIP's own CRC says it is damaged."""
    try:
        with zf.open(name) as stream:
            return vault_files.stream_digest(stream, chunk_size=chunk_size)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
        return None, 0


def _manifest_merge(
    zf: zipfile.ZipFile,
    manifest_name: str,
    *,
    expected: dict[str, str],
    report: VerifyReport,
    chunk_size: int,
) -> dict[str, int]:
    """Add manifest.json's files to `expected`; return the sizes it lists.

    A manifest that SHA256SUMS lists with another digest, or that disagrees with it, is a problem.
    """
    manifest_sizes: dict[str, int] = {}
    manifest_digest, _ = _hash_member(zf, manifest_name, chunk_size)
    listed = expected.get(MANIFEST_NAME)
    if manifest_digest is None or (listed and listed != manifest_digest):
        report.problems.append(Problem(MANIFEST_NAME, "changed" if manifest_digest else "damaged"))
        return manifest_sizes
    try:
        manifest = json.loads(zf.read(manifest_name))
        for item in manifest.get("files", []):
            name, digest = item["path"], str(item["sha256"]).lower()
            if name in expected and expected[name] != digest:
                report.problems.append(Problem(name, "SHA256SUMS and manifest.json disagree"))
            expected.setdefault(name, digest)
            if isinstance(item.get("size"), int):
                manifest_sizes[name] = item["size"]
    except (ValueError, KeyError, TypeError, AttributeError):
        report.problems.append(Problem(MANIFEST_NAME, "not in the expected format"))
    return manifest_sizes


def packet_verify(
    path: Path, *, progress: Progress | None = None, chunk_size: int = CHUNK_SIZE
) -> VerifyReport:
    """Check every file listed in SHA256SUMS, and in manifest.json when present.

    Works on any ZIP that carries a SHA256SUMS. Each bad or missing file is named in
    `report.problems`; files listed in neither are noted in `report.unlisted`.
    """
    report = VerifyReport(path=Path(path))
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        report.error = f"This is not a readable ZIP file ({exc.__class__.__name__})."
        return report
    with zf:
        members = {i.filename: i for i in zf.infolist() if not i.is_dir()}
        base = _find_base(list(members))
        if base is None:
            report.error = "This ZIP has no SHA256SUMS file, so there is nothing to check against."
            return report
        try:
            sums_raw = zf.read(base + SUMS_NAME)
            sums = sums_parse(sums_raw.decode("utf-8"))
        except (zipfile.BadZipFile, UnicodeDecodeError, ValueError) as exc:
            report.error = f"SHA256SUMS could not be read: {exc}"
            return report

        expected: dict[str, str] = {name: digest for digest, name in sums}
        manifest_sizes: dict[str, int] = {}
        if base + MANIFEST_NAME in members:
            manifest_sizes = _manifest_merge(
                zf, base + MANIFEST_NAME, expected=expected, report=report, chunk_size=chunk_size
            )

        total = sum(members[base + n].file_size for n in expected if base + n in members)
        done = 0
        for name, digest in expected.items():
            info = members.get(base + name)
            if info is None:
                report.problems.append(Problem(name, "missing"))
                continue
            actual, size = _hash_member(zf, info.filename, chunk_size)
            report.checked += 1
            done += info.file_size
            if progress:
                progress(done, total)
            if actual is None:
                report.problems.append(Problem(name, "damaged"))
            elif actual != digest:
                report.problems.append(Problem(name, "changed"))
            elif name in manifest_sizes and manifest_sizes[name] != size:
                report.problems.append(Problem(name, "size differs"))
        listed = {base + n for n in expected} | {base + SUMS_NAME}
        report.unlisted = sorted(n for n in members if n not in listed)
    return report
