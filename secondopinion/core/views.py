from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render


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
