from pathlib import Path

from django.http import FileResponse, HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from secondopinion.core.health import health_report

FAVICON = Path(__file__).parent / "static" / "core" / "favicon.ico"


def about(request):
    return render(request, "core/about.html")


def health_response(*, deep: bool) -> JsonResponse:
    """200 when every check asked passed, 503 naming the ones that failed."""
    report = health_report(deep=deep)
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


def health(request: HttpRequest) -> JsonResponse:
    """For anyone: 200 when the database answers, 503 when it does not. The deep check
    (?deep=1) is answered to probe addresses only, by core.middleware.health_probe, which runs
    before this view is reached."""
    return health_response(deep=False)


@cache_control(max_age=86400, public=True)
def favicon(request) -> FileResponse:
    """Browsers ask for /favicon.ico on every site, whatever the page says: answer it (a 404 on
    every page fills the log and the browser console)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
