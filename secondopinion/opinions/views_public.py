"""The reviewing doctor's side: a share link opens a page with no account.

Every failure (unknown, tampered, expired, withdrawn link) gets the very same response, so the page
tells a stranger nothing. A wrong passcode shows the passcode box again (whoever sees it already
holds a working link); too many wrong tries from one address make that address wait (passcodes.py). Every open, download and upload is
written to the link's log, which the patient sees. Responses are never cached, never indexed and
never send the link to another site in a Referer header (same-origin: a stricter no-referrer
makes browsers send `Origin: null` on the report form, which CSRF protection rightly refuses).
"""

from __future__ import annotations

import functools
import math
import zipfile

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from secondopinion.core import vault
from secondopinion.opinions import passcodes, tokens
from secondopinion.opinions.forms import PasscodeForm, ReportUploadForm
from secondopinion.opinions.models import LinkEvent, Opinion, PacketBuild, ShareLink
from secondopinion.opinions.pdfs import case_summary_pdf
from secondopinion.opinions.services import reports
from secondopinion.opinions.services.links import link_event_record, link_find
from secondopinion.opinions.services.packets import packet_latest
from secondopinion.opinions.services.summary import case_goals, case_summary_data
from secondopinion.opinions.views import opinion_components_check

# The limits are settings (docs/settings.md): SHARE_LINK_REQUESTS per SHARE_LINK_WINDOW_SECONDS
# from one address, counted in the shared cache (across web processes when CACHE_URL is Redis);
# wrong passcodes: SHARE_PASSCODE_TRIES per address (opinions.passcodes).


def _private(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["Cache-Control"] = "no-store, private"
        response["X-Robots-Tag"] = "noindex, nofollow"
        if response.status_code >= 400:
            # Django's request logger writes the path of every 4xx answer, and the path holds the
            # token: a live one after a wrong passcode or a refused report. Logs never get a
            # link's token; the link's own event log records what happened.
            response._has_been_logged = True
        return response

    return wrapper


def _methods(*allowed: str):
    """Like Django's require_http_methods, without its log line (which would hold the token)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in allowed:
                return HttpResponseNotAllowed(allowed)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def refused(request) -> HttpResponse:
    """The one answer for every link that does not work."""
    return render(request, "opinions/share_refused.html", status=404)


def _rate_ok(request) -> bool:
    key = f"share-rate:{request.META.get('REMOTE_ADDR', '')}"
    window = settings.SHARE_LINK_WINDOW_SECONDS
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        count = 1
    return count <= settings.SHARE_LINK_REQUESTS


def _session_key(link: ShareLink) -> str:
    return f"share-pass-{link.public_id}"


def _open_link(request, token: str) -> tuple[ShareLink | None, str]:
    """The link and the tokens.link_check outcome for this visitor."""
    if not _rate_ok(request):
        return None, tokens.REFUSED
    link = link_find(token) if tokens.token_well_formed(token) else None
    state = None
    if link is not None:
        state = tokens.LinkState(
            token_hash=link.token_hash,
            expires_at=link.expires_at,
            revoked_at=link.revoked_at,
            passcode_hash=link.passcode_hash,
        )
    outcome = tokens.link_check(token=token, link=state, now=timezone.now())
    if (
        link is not None
        and outcome == tokens.NEEDS_PASSCODE
        and request.session.get(_session_key(link))
    ):
        outcome = tokens.OPEN
    return link, outcome


class _MemberStream:
    """A file inside the packet ZIP that closes the ZIP and the stored file when done."""

    def __init__(self, outer, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
        self.outer, self.zf, self.inner = outer, zf, zf.open(member)

    def read(self, size: int = -1) -> bytes:
        return self.inner.read(size)

    def close(self) -> None:
        self.inner.close()
        self.zf.close()
        self.outer.close()


def _packet(link: ShareLink) -> PacketBuild | None:
    return packet_latest(case=link.case, service=link.service)


def _packet_files(build: PacketBuild | None) -> tuple[list[tuple[int, str]], list[tuple[str, int]]]:
    """Files to list one by one (index in the ZIP, name), and scan folders with image counts:
    a CD holds thousands of images that a reviewer takes as the whole ZIP, not one by one."""
    files: list[tuple[int, str]] = []
    folders: dict[str, int] = {}
    if build is None:
        return files, []
    try:
        with vault.stored_open(build.file_name) as fh, zipfile.ZipFile(fh) as zf:
            members = [i for i in zf.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile):
        return files, []
    for index, info in enumerate(members):
        if info.filename.startswith("imaging/"):
            folder = info.filename.rsplit("/", 1)[0]
            folders[folder] = folders.get(folder, 0) + 1
        else:
            files.append((index, info.filename))
    return files, list(folders.items())


@_private
@_methods("GET", "POST")
def share_open(request, token: str):
    link, outcome = _open_link(request, token)
    if link is None or outcome == tokens.REFUSED:
        return refused(request)
    if outcome == tokens.NEEDS_PASSCODE:
        page = _passcode_step(request, link)
        if page is not None:
            return page
    link_event_record(link=link, request=request, action=LinkEvent.Action.OPEN)
    return _reviewer_page(request, link, token, ReportUploadForm())


def _paused_page(request, until) -> HttpResponse:
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return render(request, "opinions/share_paused.html", {"minutes": minutes}, status=429)


def _passcode_step(request, link: ShareLink) -> HttpResponse | None:
    """None once this visitor typed the right passcode; else the page to show them."""
    address = request.META.get("REMOTE_ADDR")
    until = passcodes.passcode_paused_until(link=link, address=address)
    if until is not None:
        return _paused_page(request, until)
    form = PasscodeForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "opinions/share_passcode.html", {"form": form})
    if tokens.passcode_check(form.cleaned_data["passcode"], link.passcode_hash):
        request.session.cycle_key()
        request.session[_session_key(link)] = True
        return None
    passcodes.passcode_failure_count(link=link)
    link_event_record(link=link, request=request, action=LinkEvent.Action.PASSCODE_FAILED)
    until = passcodes.passcode_paused_until(link=link, address=address)
    if until is not None:
        link_event_record(link=link, request=request, action=LinkEvent.Action.PASSCODE_PAUSED)
        return _paused_page(request, until)
    return render(
        request, "opinions/share_passcode.html", {"form": PasscodeForm(), "wrong": True}, status=403
    )


def _reviewer_page(request, link: ShareLink, token: str, form, status: int = 200) -> HttpResponse:
    case = link.case
    build = _packet(link)
    files, scan_folders = _packet_files(build)
    return render(
        request,
        "opinions/share_page.html",
        {
            "link": link,
            "token": token,
            "summary": case_summary_data(case),
            "goals": case_goals(case),
            "service": link.service,
            "build": build,
            "pending": link.case.packet_builds.filter(
                service=link.service,
                status__in=[PacketBuild.Status.QUEUED, PacketBuild.Status.RUNNING],
            ).exists(),
            "files": files,
            "scan_folders": scan_folders,
            "form": form,
            "reports": link.opinions.all(),
        },
        status=status,
    )


@_private
def share_packet(request, token: str):
    link, outcome = _open_link(request, token)
    build = _packet(link) if link is not None and outcome == tokens.OPEN else None
    if link is None or build is None:
        return refused(request)
    link_event_record(link=link, request=request, action=LinkEvent.Action.PACKET)
    return FileResponse(
        vault.stored_open(build.file_name),
        as_attachment=True,
        filename=build.download_name,
        content_type="application/zip",
    )


@_private
def share_file(request, token: str, index: int):
    """One file from the packet, for a reviewer who wants to look before downloading it all."""
    link, outcome = _open_link(request, token)
    build = _packet(link) if link is not None and outcome == tokens.OPEN else None
    if link is None or build is None:
        return refused(request)
    fh = vault.stored_open(build.file_name)
    try:
        zf = zipfile.ZipFile(fh)
        members = [i for i in zf.infolist() if not i.is_dir()]
        member = members[index]
    except (IndexError, zipfile.BadZipFile):
        fh.close()
        return refused(request)
    stream = _MemberStream(fh, zf, member)
    link_event_record(
        link=link, request=request, action=LinkEvent.Action.FILE, detail=member.filename
    )
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=member.filename.rsplit("/", 1)[-1],
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@_private
def share_summary(request, token: str):
    link, outcome = _open_link(request, token)
    if link is None or outcome != tokens.OPEN:
        return refused(request)
    link_event_record(
        link=link, request=request, action=LinkEvent.Action.FILE, detail="Case summary"
    )
    response = HttpResponse(
        case_summary_pdf(case_summary_data(link.case)), content_type="application/pdf"
    )
    response["Content-Disposition"] = 'attachment; filename="case-summary.pdf"'
    return response


# Room for the form's other fields and the multipart framing around the file itself.
_FORM_OVERHEAD = 1024 * 1024


@_private
@csrf_exempt  # checked just below, once the size is known to be sane
def share_report(request, token: str):
    """Refuse an oversized upload from its declared length, before anything reads the body.

    CsrfViewMiddleware reads request.POST, which spools the whole upload to disk; so CSRF is
    checked here instead, after this cheap check, and anyone holding a link cannot fill the disk.
    """
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > reports.REPORT_MAX_BYTES + _FORM_OVERHEAD:
        limit = reports.REPORT_MAX_BYTES // (1024 * 1024)
        return HttpResponse(
            f"This file is larger than {limit} MB, so it was not sent. Please send a smaller PDF.",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    return _share_report(request, token)


@csrf_protect
@_private
@_methods("POST")
def _share_report(request, token: str):
    link, outcome = _open_link(request, token)
    if link is None or outcome != tokens.OPEN:
        return refused(request)
    form = ReportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = reports.report_store(case=link.case, upload=form.cleaned_data["report"])
        except reports.ReportRejected as exc:
            form.add_error("report", str(exc))
        else:
            opinion = reports.opinion_from_link(link=link, stored=stored, fields=form.cleaned_data)
            link_event_record(
                link=link, request=request, action=LinkEvent.Action.REPORT, detail=stored.original
            )
            if not opinion.plan_text:
                return render(request, "opinions/share_thanks.html", {"link": link, "token": token})
            # The report is kept; the next page shows what we read, for the reviewer to check.
            return redirect("share:check", token=token, opinion_id=opinion.public_id)
    return _reviewer_page(request, link, token, form, status=400)


@_private
@_methods("GET", "POST")
def share_check(request, token: str, opinion_id):
    """The reviewer checks the treatments we read from their answers (their own upload only)."""
    link, outcome = _open_link(request, token)
    if link is None or outcome != tokens.OPEN:
        return refused(request)
    opinion = Opinion.objects.filter(link=link, public_id=opinion_id).first()
    if opinion is None:
        return refused(request)
    response = opinion_components_check(
        request,
        opinion,
        template="opinions/share_check.html",
        context={"link": link, "token": token},
    )
    if response is None:
        return render(request, "opinions/share_thanks.html", {"link": link, "token": token})
    return response
