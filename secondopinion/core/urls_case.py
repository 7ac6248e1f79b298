"""Case pages that belong to the core app (mounted at /cases/<case_id>/ in secondopinion/urls.py)."""

from django.urls import path

from secondopinion.core import views_case

app_name = "core_case"
urlpatterns = [
    path("export/", views_case.case_export_view, name="export"),
]
