"""The directory search page: ZIP form, filters, results nearest first, and the offline map."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import render
from django.urls import resolve, reverse
from django.utils.safestring import mark_safe

from secondopinion.cases.access import can_edit, case_for_user
from secondopinion.centers.forms import CenterSearchForm
from secondopinion.centers.geo import CenterIndex, Hit, bundled_index
from secondopinion.centers.loading import listed_index
from secondopinion.centers.usmap import MapPoint, map_layout, map_svg
from secondopinion.core.words import count


def _kind(center) -> str:
    if not center.sees_patients:
        return "lab"
    return "remote" if center.remote_second_opinion == "yes" else "center"


def miles_phrase(miles: float) -> str:
    whole = round(miles)
    return f"{count(whole, 'mile')} away"


def _query_with(request, **extra) -> str:
    query = request.GET.copy()
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()


def _case_for_adding(request):
    """The case whose services list gets an "add" button, if the visitor may change it."""
    case_id = request.GET.get("case")
    if not case_id or not request.user.is_authenticated:
        return None
    try:
        case = case_for_user(request.user, case_id)
    except Http404:  # not theirs, or a malformed id: just no button, never an error page.
        return None
    return case if can_edit(case) else None


def _shared_labels(layout, count_shown: int) -> list[str]:
    labels = [layout.label_for(n) for n in range(1, count_shown + 1)]
    return [label.text if label and len(label.numbers) > 1 else "" for label in labels]


# Results come ten at a time, nearest first; "show all" lists (and maps) every match.
PAGE_SIZE = 10


def search(request):
    return render(request, "centers/search.html", _search_context(request, listed_index()))


def _search_context(request, index: CenterIndex) -> dict:
    # Bound only once a ZIP was sent: "?case=..." alone is the empty form, not an error.
    form = CenterSearchForm(request.GET if "zip" in request.GET else None)
    hits: list[Hit] = []
    shown: list[Hit] = []
    origin = None
    if form.is_bound and form.is_valid():
        origin = form.place
        hits = index.search(
            origin.latitude,
            origin.longitude,
            radius_miles=form.radius_miles,
            designations=form.designations,
            states=[form.cleaned_data["state"]] if form.cleaned_data["state"] else [],
            remote_only=form.cleaned_data["remote_only"],
        )
        show_all = request.GET.get("show") == "all"
        shown = hits if show_all else hits[:PAGE_SIZE]
        points = [
            MapPoint(
                f"{n}. {h.center.name}, {h.center.city}, {h.center.state}: "
                f"{miles_phrase(h.miles)}. {h.center.remote_label}.",
                h.center.latitude,
                h.center.longitude,
                _kind(h.center),
                number=n,
                place=f"{h.center.city}, {h.center.state}",
            )
            for n, h in enumerate(shown, start=1)
        ]
        points.append(
            MapPoint(
                f"Your ZIP code {origin.zip_code}", origin.latitude, origin.longitude, "origin"
            )
        )
        title = f"Map of the {len(shown)} nearest centers found"
    else:
        points = [
            MapPoint(f"{c.name}, {c.city}, {c.state}", c.latitude, c.longitude, _kind(c))
            for c in index.centers
        ]
        title = f"Map of all {len(points)} centers in the directory"
    layout = map_layout(points)
    return {
        "form": form,
        "hits": hits,
        "shown": shown,
        "more": len(hits) - len(shown),
        "show_all_query": _query_with(request, show="all"),
        "origin": origin,
        "searched": origin is not None,
        # Built from escaped strings only (see usmap.map_svg).
        "map_svg": mark_safe(map_svg(points, title=title, layout=layout)),  # noqa: S308
        # Per shown center: the label it shares on the map with others ("5–10"), or "".
        "shown_with_labels": list(zip(shown, _shared_labels(layout, len(shown)), strict=True)),
        "origin_off_map": origin is not None and any(p.kind == "origin" for p in layout.left_off),
        "add_to_case": _case_for_adding(request),
    }


def search_page_warm() -> None:
    """Build once, at start, what Django builds on the first search: the URL resolver, the
    compiled templates of the page (through the cached loader), the form and map code paths.

    It renders a results page for a Boston ZIP from the bundled directory, so it touches no
    database (the warm-up runs in a background thread); the page is thrown away.
    """
    resolve(reverse("centers:search"))
    request = HttpRequest()
    request.method = "GET"
    request.path = reverse("centers:search")
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REQUEST_METHOD": "GET"}
    request.GET = QueryDict("zip=02215")
    request.user = AnonymousUser()
    render(request, "centers/search.html", _search_context(request, bundled_index()))
