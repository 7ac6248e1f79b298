"""The scan viewer: one series, one slice at a time, drawn on the server.

Works as plain links and a form without JavaScript; `records/viewer.js` steps in place (slider,
buttons, arrow keys) by asking the same page for JSON. It is a look, not a diagnostic viewer.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from secondopinion.accounts.audit import audit_record
from secondopinion.cases.access import case_view
from secondopinion.records import slices, viewer
from secondopinion.records.models import ImagingSeries, ImagingStudy


def _series(case, series_id) -> ImagingSeries:
    return get_object_or_404(
        ImagingSeries.objects.filter(study__in=ImagingStudy.objects.visible()).select_related(
            "study"
        ),
        study__case=case,
        public_id=series_id,
    )


def _window(request: HttpRequest, series: ImagingSeries) -> str:
    offered = [key for key, _ in viewer.window_choices(series.modality)]
    asked = request.GET.get("window", "")
    return asked if asked in offered else slices.FILE_WINDOW


def _number(value: str | None, *, count: int) -> int:
    """The slice asked for (1-based), kept within 1..count; the middle one when not given."""
    try:
        number = int(value or "")
    except ValueError:
        return count // 2 + 1
    return min(max(number, 1), count)


def _position_text(position: float | None) -> str:
    if position is None:
        return "Position: not recorded in the file"
    return f"Position: {position:g} mm"


def _slice_state(case, series, refs, *, number: int, window: str) -> dict:
    page_url = reverse("records:series_viewer", args=[case.public_id, series.public_id])
    image_url = (
        reverse("records:series_slice", args=[case.public_id, series.public_id, number])
        + "?"
        + urlencode({"window": window})
    )
    state = {
        "slice": number,
        "count": len(refs),
        "label": f"Slice {number} of {len(refs)}",
        "url": page_url + "?" + urlencode({"slice": number, "window": window}),
        "image": None,
        "width": None,
        "height": None,
        "position": "",
        "problem": "",
        "alt": f"Slice {number} of {len(refs)} of {series.description or 'this series'}",
    }
    try:
        drawn = viewer.slice_get(case=case, ref=refs[number - 1], window=window)
    except slices.SliceProblem as problem:
        state["problem"] = f"Slice {number} cannot be shown. {problem.message}"
        return state
    state.update(
        image=image_url,
        width=drawn.meta["width"],
        height=drawn.meta["height"],
        position=_position_text(drawn.meta.get("position_mm")),
    )
    return state


@case_view()
def series_viewer(request, case, series_id):
    series = _series(case, series_id)
    refs = viewer.series_slices(series)
    window = _window(request, series)
    wants_json = "application/json" in request.headers.get("Accept", "")
    if not refs:
        if wants_json:
            raise Http404("No pictures.")
        return render(
            request,
            "records/viewer.html",
            {"case": case, "series": series, "state": None, "windows": []},
        )
    number = _number(request.GET.get("slice"), count=len(refs))
    state = _slice_state(case, series, refs, number=number, window=window)
    if wants_json:
        return JsonResponse(state)
    audit_record(action="series.viewed", request=request, case=case, obj=series)
    page_url = reverse("records:series_viewer", args=[case.public_id, series.public_id])

    def link(**params) -> str:
        return page_url + "?" + urlencode({"slice": number, "window": window, **params})

    return render(
        request,
        "records/viewer.html",
        {
            "case": case,
            "series": series,
            "state": state,
            "window": window,
            "page_url": page_url,
            "previous_url": link(slice=number - 1) if number > 1 else "",
            "next_url": link(slice=number + 1) if number < len(refs) else "",
            "windows": [
                (key, label, link(window=key), key == window)
                for key, label in viewer.window_choices(series.modality)
            ],
        },
    )


@case_view()
def series_slice(request, case, series_id, slice_number):
    series = _series(case, series_id)
    refs = viewer.series_slices(series)
    if not 1 <= slice_number <= len(refs):
        raise Http404("No such slice.")
    try:
        drawn = viewer.slice_get(
            case=case, ref=refs[slice_number - 1], window=_window(request, series)
        )
    except slices.SliceProblem as problem:
        # Not a 404: the slice exists, but it cannot be drawn; the words say why.
        return HttpResponse(problem.message, status=422, content_type="text/plain; charset=utf-8")
    # Our own PNG, drawn by us from the pixels: safe to show inline as an image.
    response = FileResponse(open(drawn.png_path, "rb"), content_type="image/png")  # noqa: SIM115 - FileResponse closes it
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
