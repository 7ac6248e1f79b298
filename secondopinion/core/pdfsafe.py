"""PDFs from outside, made safe to hand on (pure, no Django).

A PDF can carry programs: JavaScript that runs when it opens (`/OpenAction`, `/AA`), actions that
launch a program or submit a form, embedded files, fillable forms (and their scripts). A reviewer's
report or a patient's upload is passed on to people who open it on their own computers, so the
copy we hand on has all of that removed with pikepdf (qpdf), and the original is kept aside.
An encrypted PDF is refused: nobody could open it later without its password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

# Actions that run something or send something somewhere, wherever they appear.
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/ResetForm",
    "/Rendition",
    "/Sound",
    "/Movie",
    "/RichMediaExecute",
    "/GoToE",
}


class PdfRefused(ValueError):
    """The PDF cannot be accepted; `str(error)` is a message for people."""


@dataclass
class Disarmed:
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.removed)


def pdf_disarm(source: Path, target: Path) -> Disarmed:
    """Write to `target` a copy of `source` without active content; say what was removed.

    Raises PdfRefused for an encrypted or unreadable PDF. `source` is never changed.
    """
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError as exc:
        raise PdfRefused(
            "This PDF is protected by a password, so nobody could open it later. Please save a "
            "copy without the password (or print it to a new PDF) and upload that."
        ) from exc
    except pikepdf.PdfError as exc:
        raise PdfRefused(
            "This PDF is damaged and could not be read. Please save it again and upload the copy."
        ) from exc
    with pdf:
        if pdf.is_encrypted:
            raise PdfRefused(
                "This PDF is protected by a password or by restrictions that keep it from being "
                "opened. Please save a copy without them and upload that."
            )
        result = Disarmed()
        _strip_document(pdf, result)
        for number, page in enumerate(pdf.pages, start=1):
            _strip_page(page.obj, number, result)
        pdf.save(target)
    return result


def _strip_document(pdf: pikepdf.Pdf, result: Disarmed) -> None:
    root = pdf.Root
    # /OpenAction may be a plain "open at page 1" destination (an array, harmless: kept) or an
    # action; only a jump within the document is kept.
    opening = root.get("/OpenAction")
    if isinstance(opening, pikepdf.Dictionary) and str(opening.get("/S", "")) != "/GoTo":
        del root["/OpenAction"]
        result.removed.append("an action run on opening")
    if "/AA" in root:
        del root["/AA"]
        result.removed.append("automatic actions")
    if "/AcroForm" in root:
        del root["/AcroForm"]
        result.removed.append("a fillable form")
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key, what in (("/JavaScript", "scripts"), ("/EmbeddedFiles", "embedded files")):
            if key in names:
                del names[key]
                result.removed.append(what)


def _strip_page(page: pikepdf.Dictionary, number: int, result: Disarmed) -> None:
    if "/AA" in page:
        del page["/AA"]
        result.removed.append(f"automatic actions on page {number}")
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = pikepdf.Array()
    for annotation in annotations:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        subtype = str(annotation.get("/Subtype", ""))
        if subtype in ("/FileAttachment", "/Widget", "/Screen", "/RichMedia", "/Movie", "/Sound"):
            result.removed.append(f"an attachment or form field on page {number}")
            continue
        if "/AA" in annotation:
            del annotation["/AA"]
            result.removed.append(f"automatic actions on page {number}")
        action = annotation.get("/A")
        if isinstance(action, pikepdf.Dictionary) and str(action.get("/S", "")) in _ACTIVE_ACTIONS:
            del annotation["/A"]
            result.removed.append(f"a link that runs something on page {number}")
        kept.append(annotation)
    page["/Annots"] = kept
