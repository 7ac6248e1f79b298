from pathlib import Path

from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

FAVICON = Path(__file__).parent / "static" / "core" / "favicon.ico"


def about(request):
    return render(request, "core/about.html")


def health(request):
    """For a load balancer: answers 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error"}, status=503)
    return JsonResponse({"status": "ok"})


@cache_control(max_age=86400, public=True)
def favicon(request) -> FileResponse:
    """Browsers ask for /favicon.ico on every site, whatever the page says: answer it (a 404 on
    every page fills the log and the browser console)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")
