"""Records vault pages: the list and upload, a document, a CD import, a study, the checklist and
the request letter. Views fetch what the user may see (through `case_view`), call the core, render.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view
from secondopinion.core.jobs import job_for
from secondopinion.core.vault import (
    human_size,
    storage_is_local,
    storage_root,
    stored_chunks,
    stored_size,
)
from secondopinion.providers.models import Service
from secondopinion.records import letters
from secondopinion.records.checklist import service_checklist, vault_holdings
from secondopinion.records.documents import document_add, document_delete, document_update
from secondopinion.records.forms import DocumentForm, LetterForm
from secondopinion.records.imports import upload_max_bytes
from secondopinion.records.models import (
    DiscImport,
    Document,
    ImagingSeries,
    ImagingStudy,
    PortalImport,
)
from secondopinion.records.needs import PHYSICAL
from secondopinion.records.portal_history import treatments_given
from secondopinion.records.printing import LETTER_PDF_WRITERS
from secondopinion.records.uploads import StoredUpload, VaultUploadHandler


def _services(case):
    return list(Service.objects.filter(case=case).order_by("name"))


@case_view()
def index(request, case):
    query = request.GET.get("q", "").strip()[:200]
    documents = Document.objects.filter(case=case).defer("text")
    matches = None
    if query:
        matches = list(
            Document.objects.filter(case=case)
            .filter(
                Q(text__icontains=query)
                | Q(original_name__icontains=query)
                | Q(notes__icontains=query)
                | Q(institution__icontains=query)
            )
            .only("public_id", "original_name", "doc_type", "document_date", "text")
        )
        for document in matches:
            document.snippet = _snippet(document.text, query)  # type: ignore[attr-defined]
    studies = ImagingStudy.objects.visible().filter(case=case).prefetch_related("series")
    imports = DiscImport.objects.filter(case=case).order_by("-created_at")[:5]
    portal_imports = PortalImport.objects.filter(case=case).order_by("-created_at")[:5]
    holdings = vault_holdings(case)
    services = [
        (service, service_checklist(service, holdings=holdings)) for service in _services(case)
    ]
    return render(
        request,
        "records/index.html",
        {
            "case": case,
            "documents": documents,
            "studies": studies,
            "imports": imports,
            "portal_imports": portal_imports,
            "portal_treatments": treatments_given(case),
            "query": query,
            "matches": matches,
            "services": [
                (s, sum(1 for i in items if i.is_missing), len(items)) for s, items in services
            ],
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "max_size": human_size(upload_max_bytes()),
        },
    )


def _snippet(text: str, query: str, width: int = 80) -> str:
    at = text.lower().find(query.lower())
    if at < 0:
        return ""
    start = max(0, at - width)
    end = min(len(text), at + len(query) + width)
    return (
        ("…" if start else "")
        + " ".join(text[start:end].split())
        + ("…" if end < len(text) else "")
    )


def _csrf_refusal(request) -> HttpResponse | None:
    """The normal CSRF check, run after our own upload handler parsed the body."""

    def protected(request):  # pragma: no cover - never called, only inspected
        return None

    return CsrfViewMiddleware(protected).process_view(request, protected, (), {})


@csrf_exempt  # checked by hand below, once the body has been parsed by our handler
@case_view(write=True)
@require_POST
def upload(request, case):
    handler = VaultUploadHandler(request, root=storage_root(), max_bytes=upload_max_bytes())
    request.upload_handlers = [handler]
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        files = request.FILES.getlist("files")
    except TooManyFilesSent:
        handler.cleanup()
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return _upload_reply(
            request,
            case,
            wants_json,
            errors=[
                f"You chose more than {limit} files at once, which is more than we can take in "
                f"one go. Nothing was saved. Please upload up to {limit} files at a time, or put "
                "them in a ZIP file."
            ],
        )
    except RequestDataTooBig:
        handler.cleanup()
        return _upload_reply(
            request, case, wants_json, errors=["The form was too large. Nothing was saved."]
        )
    except BaseException:
        handler.cleanup()  # e.g. the browser went away part-way: keep nothing
        raise
    refusal = _csrf_refusal(request)
    if refusal is not None:
        handler.cleanup()
        return refusal
    errors = [
        f"{name}: this file is larger than the limit of {human_size(upload_max_bytes())}, "
        "so it was not saved."
        for name in handler.too_large
    ]
    results = []
    for upload_file in files:
        if not isinstance(upload_file, StoredUpload):  # pragma: no cover - our handler only
            continue
        result = document_add(case=case, upload=upload_file)
        added = result.disc_import if result.outcome == "import" else result.document
        if result.outcome in ("added", "import"):
            audit_record(action="document.uploaded", request=request, case=case, obj=added)
        results.append(result)
    if not files and not errors:
        errors.append("Please choose at least one file.")
    return _upload_reply(request, case, wants_json, errors=errors, results=results)


def _upload_reply(request, case, wants_json: bool, *, errors: list[str], results=()):
    # Messages are stored in both cases: the script reloads the page when all files are sent.
    for message in errors:
        messages.error(request, message)
    for result in results:
        if result.outcome == "refused":
            messages.error(request, result.message)
        elif result.outcome == "duplicate":
            messages.warning(request, result.message)
        else:
            messages.success(request, result.message)
    if wants_json:
        status = 200 if results or not errors else 400
        return JsonResponse(
            {"errors": errors, "results": [r.as_dict() for r in results]}, status=status
        )
    imports = [r.disc_import for r in results if r.disc_import is not None]
    if len(results) == 1 and imports:
        return redirect("records:import_detail", case.public_id, imports[0].public_id)
    return redirect("records:index", case.public_id)


@case_view()
def document_detail(request, case, document_id):
    document = get_object_or_404(Document, case=case, public_id=document_id)
    form = DocumentForm(request.POST or None, instance=document)
    if request.method == "POST" and form.is_valid():
        document_update(
            document=document,
            doc_type=form.cleaned_data["doc_type"],
            document_date=form.cleaned_data["document_date"],
            institution=form.cleaned_data["institution"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, "Saved.")
        return redirect("records:index", case.public_id)
    if request.method == "GET":
        audit_record(action="document.viewed", request=request, case=case, obj=document)
    return render(
        request,
        "records/document_detail.html",
        {"case": case, "document": document, "form": form, "job": job_for("text", document.pk)},
    )


@case_view()
def document_download(request, case, document_id):
    document = get_object_or_404(Document, case=case, public_id=document_id)
    # Always a download, never shown in the browser: an upload is never trusted as a web page.
    response = _stored_response(
        document.stored_name,
        missing="The file is missing from storage.",
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    audit_record(action="document.downloaded", request=request, case=case, obj=document)
    return response


@case_view(write=True)
def document_remove(request, case, document_id):
    document = get_object_or_404(Document, case=case, public_id=document_id)
    if request.method == "POST":
        audit_record(action="document.deleted", request=request, case=case, obj=document)
        document_delete(document=document)
        messages.success(request, f"Deleted {document.original_name}.")
        return redirect("records:index", case.public_id)
    return render(request, "records/document_delete.html", {"case": case, "document": document})


@case_view()
def import_detail(request, case, import_id):
    disc_import = get_object_or_404(DiscImport, case=case, public_id=import_id)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "status": disc_import.status,
                "percent": disc_import.percent,
                "error": disc_import.error,
                "done": not disc_import.is_active,
            }
        )
    studies = disc_import.studies.visible().prefetch_related("series")
    return render(
        request,
        "records/import_detail.html",
        {
            "case": case,
            "disc_import": disc_import,
            "studies": studies,
            "job": job_for("cd_import", disc_import.pk),
        },
    )


@case_view()
def study_detail(request, case, study_id):
    study = get_object_or_404(ImagingStudy.objects.visible(), case=case, public_id=study_id)
    return render(
        request,
        "records/study_detail.html",
        {"case": case, "study": study, "series": study.series.all()},
    )


@case_view()
def series_preview(request, case, series_id):
    series = get_object_or_404(
        ImagingSeries.objects.filter(study__in=ImagingStudy.objects.visible()),
        study__case=case,
        public_id=series_id,
    )
    if not series.preview_name:
        raise Http404("No preview.")
    # Our own PNG, made by us from the pixels: safe to show inline as an image.
    response = _stored_response(
        series.preview_name, missing="No preview.", content_type="image/png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stored_response(
    name: str,
    *,
    missing: str,
    content_type: str,
    as_attachment: bool = False,
    filename: str = "",
) -> HttpResponseBase:
    """A stored vault file as a response: opened from the files folder, or streamed from object
    storage in chunks (never read whole into memory)."""
    if storage_is_local():
        path = storage_root() / name
        if not path.is_file():
            raise Http404(missing)
        return FileResponse(
            open(path, "rb"),  # noqa: SIM115 - FileResponse closes it
            as_attachment=as_attachment,
            filename=filename,
            content_type=content_type,
        )
    try:
        chunks = stored_chunks(name)
    except FileNotFoundError:
        raise Http404(missing) from None
    response = StreamingHttpResponse(chunks, content_type=content_type)
    size = stored_size(name)
    if size is not None:
        response["Content-Length"] = str(size)
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    if as_attachment and disposition:
        response.headers["Content-Disposition"] = disposition
    return response


def _service(case, service_id):
    return get_object_or_404(Service, case=case, public_id=service_id)


@case_view()
def checklist(request, case, service_id):
    service = _service(case, service_id)
    items = service_checklist(service)
    return render(
        request,
        "records/checklist.html",
        {
            "case": case,
            "service": service,
            "items": items,
            "missing": [i for i in items if i.is_missing],
            "physical": [i for i in items if i.status == PHYSICAL],
        },
    )


def _letter(request, case, service) -> tuple[LetterForm, list, letters.Letter | None]:
    """The letter form, the items to ask for and the letter: one build for the page and PDF."""
    items = [i for i in service_checklist(service) if i.is_missing or i.status == PHYSICAL]
    today = timezone.localdate()
    initial = {
        "institution": case.doctor_institution,
        "needed_by": _needed_by_default(case, today),
    }
    form = LetterForm(request.GET or None, initial=initial)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    elif not form.is_bound and initial["institution"]:
        data = {**initial, "send_to_service": False}
    else:
        return form, items, None
    if not items:
        return form, items, None
    send_to = []
    if data.get("send_to_service"):
        send_to = [service.name] + [line for line in service.send_notes.splitlines() if line]
    letter = letters.request_letter(
        letters.LetterData(
            patient_name=case.full_name,
            patient_birth_date=case.date_of_birth,
            institution=data["institution"],
            items=[
                letters.RequestedItem(
                    label=item.label,
                    imaging=item.kind == "imaging_studies",
                    detail=_letter_detail(item.kind),
                )
                for item in items
            ],
            today=today,
            needed_by=data.get("needed_by"),
            send_to=send_to,
            patient_contact=[
                *case.patient_address.splitlines(),
                case.patient_phone,
                request.user.email if case.role == "owner" else "",
            ],
        )
    )
    return form, items, letter


@case_view()
def request_letter(request, case, service_id):
    service = _service(case, service_id)
    form, items, letter = _letter(request, case, service)
    return render(
        request,
        "records/letter.html",
        {
            "case": case,
            "service": service,
            "items": items,
            "form": form,
            "letter": letter,
            "pdf_query": request.GET.urlencode(),
            "can_print_pdf": bool(len(LETTER_PDF_WRITERS)),
        },
    )


@case_view()
def request_letter_pdf(request, case, service_id):
    """The same letter as a PDF, to attach to an email or a portal message."""
    service = _service(case, service_id)
    _form, _items, letter = _letter(request, case, service)
    writer = next(iter(LETTER_PDF_WRITERS), None)
    if writer is None:
        raise Http404("PDFs cannot be made here.")
    if letter is None:
        messages.info(request, "Fill in who holds the records first; then the PDF can be made.")
        return redirect("records:letter", case_id=case.public_id, service_id=service.public_id)
    response = HttpResponse(writer(letter), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="records-request-letter.pdf"'
    return response


def _needed_by_default(case, today: datetime.date) -> datetime.date:
    """Two weeks from today, or sooner if the safe-to-wait date leaves less room."""
    default = today + datetime.timedelta(days=14)
    if case.safe_to_wait_until:
        latest = case.safe_to_wait_until - datetime.timedelta(days=14)
        if today < latest < default:
            return latest
    return default


def _letter_detail(kind: str) -> str:
    return {
        "imaging_studies": "all series, in DICOM format",
        "pathology_slides": "the glass slides and tissue blocks, sent by the pathology department",
        "pathology_report": "including any addenda and biomarker results",
    }.get(kind, "")
