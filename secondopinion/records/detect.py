"""What is this file? Decided from its bytes, never from its name.

- `file_check(path, name=...)` looks at the content (magic bytes, then a real parse for PDFs,
  images and DICOM) and returns a `Detected` with a content type we chose ourselves, or raises
  `UnsupportedFile` with a plain message: empty files, PDFs that are not PDFs, password-protected
  PDFs, images with absurd pixel counts, programs, web pages.
- `type_suggest(text)` and `date_suggest(text)` guess the document type and date from text (a
  pathology report is recognised by its wording); the patient always confirms.
- `pdf_text(path)` pulls the text out of a PDF (run in the background by the Django side).
- `display_name_safe(name)` makes an uploaded name fit to show: no folders, no markup, no
  control characters.

No Django here.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from secondopinion.core.textcodec import text_decode
from secondopinion.records.dicom.headers import DicomProblem, da_parse, header_read
from secondopinion.records.dicom.sniff import dicom_sniff

DOCUMENT_TYPES: list[tuple[str, str]] = [
    ("pathology_report", "Pathology report"),
    ("imaging_report", "Imaging report"),
    ("imaging_study", "Imaging study (scan images)"),
    ("clinical_summary", "Clinical summary or visit note"),
    ("operative_report", "Operative report"),
    ("lab_results", "Lab results"),
    ("genomic_report", "Genomic test report"),
    ("medication_list", "Medication list"),
    ("treatment_plan", "Treatment plan"),
    ("second_opinion_report", "Second-opinion report"),
    ("agreement", "Agreement or consent"),
    ("other", "Other"),
]
DOCUMENT_TYPE_LABELS = dict(DOCUMENT_TYPES)

DEFAULT_MAX_IMAGE_PIXELS = 60_000_000  # about 8,000 x 7,500: far beyond any phone photo of a page


class UnsupportedFile(Exception):
    """The file was refused. `message` is plain words, safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Detected:
    kind: str  # pdf, image, dicom, zip, office, text
    content_type: str
    suggested_type: str = "other"
    suggested_date: date | None = None
    institution: str = ""
    width: int = 0
    height: int = 0


_IMAGE_MAGICS: list[tuple[bytes, str]] = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
]
_EXECUTABLE = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"#!")
_MARKUP = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe)", re.I)


def _zip(head: bytes) -> bool:
    return head.startswith((b"PK\x03\x04", b"PK\x05\x06"))


def _portal_record(head: bytes) -> bool:
    """A download from a patient portal: a C-CDA document (XML in the HL7 v3 namespace) or FHIR
    resources (JSON naming a resourceType). Read by the portal import, never as a plain file."""
    start = head.lstrip(b"\xef\xbb\xbf\r\n\t ")
    if start.startswith(b"<"):
        return b"urn:hl7-org:v3" in head or b"<ClinicalDocument" in head
    return start.startswith((b"{", b"[")) and b'"resourceType"' in head


def _office_zip(head: bytes) -> bool:
    return _zip(head) and (b"[Content_Types].xml" in head or b"word/" in head or b"xl/" in head)


# Tried in this order; the first test that holds names the file.
_SNIFFS: tuple[tuple[Callable[[bytes], bool], str, str], ...] = (
    (lambda h: dicom_sniff(h) == "dicom", "dicom", "application/dicom"),
    (lambda h: dicom_sniff(h) == "executable", "executable", ""),
    (lambda h: h.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"), "pdf", "application/pdf"),
    *((lambda h, m=magic: h.startswith(m), "image", kind) for magic, kind in _IMAGE_MAGICS),
    (lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", "image", "image/webp"),
    (
        lambda h: h[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypheif"),
        "image",
        "image/heic",
    ),
    (_office_zip, "office", "application/octet-stream"),
    (_zip, "zip", "application/zip"),
    (
        lambda h: h.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        "office",
        "application/octet-stream",
    ),
    (lambda h: h.startswith(_EXECUTABLE), "executable", ""),
    (_portal_record, "portal", ""),
    (lambda h: bool(_MARKUP.match(h)), "markup", ""),
    (lambda h: dicom_sniff(h) == "bare", "dicom-bare", "application/dicom"),
    # Text in UTF-8, UTF-16 or Windows-1252/Latin-1 (a cut character at the end of the sample is
    # still text); the background reader decodes the whole file the same way.
    (lambda h: text_decode(h, partial=True) is not None, "text", "text/plain"),
)


def kind_sniff(head: bytes) -> tuple[str, str]:
    """(kind, content type) from the first bytes (pass 2 KB or more); ("unknown", "") if unsure."""
    if not head:
        return "empty", ""
    for test, kind, content_type in _SNIFFS:
        if test(head):
            return kind, content_type
    return "unknown", ""


def file_check(
    path: str | Path, *, name: str = "", max_image_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> Detected:
    """Decide what a stored upload really is, or raise `UnsupportedFile` with a plain reason."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise UnsupportedFile("This file is empty (0 bytes). Please choose the file again.")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    kind, content_type = kind_sniff(head)
    claimed_pdf = name.lower().endswith(".pdf")
    if claimed_pdf and kind != "pdf":
        raise UnsupportedFile(
            "This file is named like a PDF but its contents are not a PDF. "
            "It may be damaged or mislabeled. Please download it again from where it came from."
        )
    if kind == "pdf":
        return _pdf_check(path)
    if kind == "image":
        return _image_check(path, content_type, max_image_pixels=max_image_pixels)
    if kind in ("dicom", "dicom-bare"):
        return _dicom_check(path, kind="dicom" if kind == "dicom" else "bare")
    if kind in ("zip", "office", "text"):
        return Detected(kind=kind, content_type=content_type)
    if kind == "executable":
        raise UnsupportedFile(
            "This file is a computer program, not a medical record. For safety it was not saved."
        )
    if kind == "portal":
        raise UnsupportedFile(
            "This looks like a record downloaded from a patient portal (a health record file, "
            "C-CDA or FHIR). Please add it with \u201cAdd records from your patient portal\u201d "
            "on the records page: that reads the reports, diagnoses and medicines inside it."
        )
    if kind == "markup":
        raise UnsupportedFile(
            "This file is a web page. Please save it as a PDF (use Print, then Save as PDF) "
            "and upload that."
        )
    raise UnsupportedFile(
        "We could not tell what kind of file this is. We accept PDF files, photos and scans "
        "(JPEG, PNG, TIFF), DICOM images, ZIP files of an imaging CD, and text or Word files."
    )


def _pdf_check(path: Path) -> Detected:
    from pypdf import PdfReader  # noqa: PLC0415 - heavy, only to read a PDF
    from pypdf.errors import PyPdfError  # noqa: PLC0415 - heavy, only to read a PDF

    try:
        reader = PdfReader(path)
        # Many PDFs carry an empty user password (only printing is restricted); they open.
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnsupportedFile(
                "This PDF is protected with a password, so no one could read it. Please "
                "upload a copy without a password (open it, then print it to a new PDF)."
            )
        first = reader.pages[0] if len(reader.pages) else None
        text = first.extract_text() if first is not None else ""
    except UnsupportedFile:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        OSError,
        RecursionError,
    ) as exc:
        raise UnsupportedFile(
            "This PDF is damaged and cannot be opened. Please download it again."
        ) from exc
    text = text or ""
    return Detected(
        kind="pdf",
        content_type="application/pdf",
        suggested_type=type_suggest(text),
        suggested_date=date_suggest(text),
    )


def _heif_register() -> None:
    """Let Pillow open HEIC photos (what iPhones save) through pillow-heif, a dependency, so they
    get the same size and damage checks as JPEG and PNG. Calling it again does no harm."""
    try:
        import pillow_heif  # noqa: PLC0415 - heavy, only for a HEIC photo
    except ImportError:  # an installation without it: the photo is still kept (see below)
        return
    pillow_heif.register_heif_opener()


def _image_check(path: Path, content_type: str, *, max_image_pixels: int) -> Detected:
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - heavy, only to open an image

    if content_type == "image/heic":
        _heif_register()
    try:
        # open() reads only the header, so the size is known before any pixel is decoded.
        # Pillow's own bomb warning is silenced here because our limit is lower and clearer.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            width, height = image.size
            if width * height > max_image_pixels:
                raise UnsupportedFile(
                    f"This picture is far too large ({width:,} x {height:,} pixels). "
                    "Please upload a smaller copy."
                )
            image.verify()
    except UnsupportedFile:
        raise
    except Image.DecompressionBombError as exc:
        raise UnsupportedFile(
            "This picture is far too large. Please upload a smaller copy."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if content_type == "image/heic":
            # The HEIF family also holds pictures libheif cannot decode here (AVIF, some
            # brands): keep the photo; the text task then says it could not open it.
            return Detected(kind="image", content_type=content_type)
        raise UnsupportedFile(
            "This picture is damaged and cannot be opened. Please take or save it again."
        ) from exc
    return Detected(kind="image", content_type=content_type, width=width, height=height)


def _dicom_check(path: Path, *, kind: str) -> Detected:
    try:
        header = header_read(path, kind=kind)
    except DicomProblem as exc:
        raise UnsupportedFile(exc.message) from exc
    if header.is_directory:
        return Detected(kind="dicom", content_type="application/dicom", suggested_type="other")
    return Detected(
        kind="dicom",
        content_type="application/dicom",
        suggested_type="imaging_study",
        suggested_date=da_parse(header.study_date),
        institution=header.institution,
    )


def pdf_text(path: str | Path, *, max_pages: int = 300, max_chars: int = 2_000_000) -> str:
    """All the text of a PDF, page by page, capped so a huge file cannot exhaust memory."""
    from pypdf import PdfReader  # noqa: PLC0415 - heavy, only to read a PDF

    reader = PdfReader(Path(path))
    if reader.is_encrypted and not reader.decrypt(""):
        raise UnsupportedFile("This PDF is protected with a password.")
    parts: list[str] = []
    total = 0
    for page in reader.pages[:max_pages]:
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    return "\n".join(parts)[:max_chars]


# ---------------------------------------------------------------------------------------------
# Type and date suggestions

_TYPE_SIGNS: dict[str, list[tuple[str, int]]] = {
    "pathology_report": [
        (r"surgical pathology", 4),
        (r"pathology report", 4),
        (r"cytopathology", 3),
        (r"gross description", 3),
        (r"microscopic description", 3),
        (r"final (pathologic )?diagnosis", 2),
        (r"\bspecimen", 1),
        (r"pathologist", 2),
        (r"immunohistochemi", 1),
        (r"\bmargins?\b", 1),
        (r"histologic (type|grade)", 2),
        (r"synoptic", 1),
    ],
    "imaging_report": [
        (r"radiology report", 4),
        (r"\bimpression\s*:", 2),
        (r"\bfindings\s*:", 1),
        (r"\btechnique\s*:", 2),
        (r"\bcomparison\s*:", 1),
        (r"radiologist", 2),
        (r"\b(ct|mri|mr|pet/ct|pet-ct|ultrasound|mammogra\w*)\b", 1),
        (r"with(out)? (iv )?contrast", 2),
    ],
    "operative_report": [
        (r"operative report", 4),
        (r"pre-?operative diagnosis", 3),
        (r"post-?operative diagnosis", 3),
        (r"estimated blood loss", 3),
        (r"\banesthesia\s*:", 2),
        (r"procedure performed", 2),
    ],
    "lab_results": [
        (r"reference (range|interval)", 3),
        (r"\b(cbc|hemoglobin|creatinine|platelets|wbc)\b", 1),
        (r"laboratory (report|results)", 3),
        (r"\bcollected\s*:", 1),
    ],
    "genomic_report": [
        (r"genomic", 2),
        (r"next[- ]generation sequencing", 3),
        (r"tumor mutational burden", 3),
        (r"microsatellite", 2),
        (r"variant allele frequency", 3),
        (r"\bvariants? of (unknown|uncertain) significance", 3),
        (r"germline", 1),
    ],
    "medication_list": [
        (r"medication list", 4),
        (r"current medications", 3),
        (r"\b\d+ ?mg\b.*\b(daily|twice|tablet)", 1),
    ],
    "treatment_plan": [
        (r"treatment plan", 4),
        (r"\bregimen\b", 2),
        (r"\bcycles?\b", 1),
        (r"treatment summary", 2),
    ],
    "clinical_summary": [
        (r"history of present illness", 3),
        (r"assessment and plan", 3),
        (r"chief complaint", 2),
        (r"discharge summary", 4),
        (r"progress note", 3),
        (r"review of systems", 2),
        # Consultation notes: the first visit with a specialist, often the first plan.
        (r"\bconsult(ation)? note\b", 4),
        (r"\b(oncology|new patient|initial|surgical) consult(ation)?\b", 3),
        (r"reason for (the )?(consultation|consult|referral|visit)", 3),
        (r"\bhistory and physical\b", 3),
        (r"\b(clinic|office) (note|visit)\b", 3),
        (r"past medical history", 2),
        (r"physical exam(ination)?", 2),
        (r"\breferring (physician|doctor|provider)\b", 2),
        (r"\bimpression\b", 1),
    ],
    "second_opinion_report": [
        (r"second opinion", 4),
        (r"expert (review|opinion)", 2),
    ],
    "agreement": [
        (r"\bagreement\b", 2),
        (r"\bconsent\b", 2),
        (r"terms (and|&) conditions", 3),
        (r"\bsignature\b", 1),
    ],
}
_TYPE_MIN_SCORE = 4


def type_suggest(text: str) -> str:
    """The most likely document type for this text, or "other" when nothing stands out."""
    sample = (text or "")[:20_000].lower()
    best, best_score = "other", 0
    for doc_type, signs in _TYPE_SIGNS.items():
        score = sum(weight for pattern, weight in signs if re.search(pattern, sample))
        if score > best_score:
            best, best_score = doc_type, score
    return best if best_score >= _TYPE_MIN_SCORE else "other"


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>(19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>(19|20)\d\d)\b"),
    re.compile(rf"\b(?P<mon>{_MONTH_RE})\.? (?P<d>\d{{1,2}}),? (?P<y>(19|20)\d\d)\b", re.I),
    re.compile(rf"\b(?P<d>\d{{1,2}})[ -](?P<mon>{_MONTH_RE})\.?[ -](?P<y>(19|20)\d\d)\b", re.I),
]
_BIRTH = re.compile(r"(d\.?o\.?b\.?|date of birth|birth ?date|born)\W*$", re.I)
_PREFERRED = re.compile(
    r"(date of (service|procedure|surgery|collection|report|exam)|collected|"
    r"signed out|report date|exam date|accessioned|received)\W*$",
    re.I,
)


def date_suggest(text: str, *, today: date | None = None) -> date | None:
    """The document's own date: a labelled one if any, else the first plausible date.

    Dates of birth are ignored: they are in every record and never the record's date.
    """
    today = today or date.today()
    sample = (text or "")[:20_000]
    found: list[tuple[int, int, date]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(sample):
            value = _date_of(match)
            if value is None or not (date(1950, 1, 1) <= value <= today):
                continue
            before = sample[max(0, match.start() - 40) : match.start()]
            if _BIRTH.search(before):
                continue
            preferred = 0 if _PREFERRED.search(before) else 1
            found.append((preferred, match.start(), value))
    if not found:
        return None
    return min(found)[2]


def _date_of(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        month = _MONTHS[groups["mon"].lower()] if groups.get("mon") else int(groups["m"])
        return date(int(groups["y"]), month, int(groups["d"]))
    except (ValueError, KeyError):
        return None


# ---------------------------------------------------------------------------------------------
# Names


def display_name_safe(name: str, *, max_length: int = 120, fallback: str = "document") -> str:
    """An uploaded file name made fit to show and to offer in a download.

    Keeps only the last path part, removes control and invisible format characters and markup
    characters, collapses spaces, trims leading dots (no hidden files), and shortens long names
    while keeping the extension.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(
        ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in "<>\"'`&;:*?|%$"
    )
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if not name or set(name) <= {"."}:
        return fallback
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: max_length - len(ext) - 1].rstrip() + "." + ext
        else:
            name = name[:max_length]
    return name
