"""Case pages that belong to the core app (mounted at /cases/<case_id>/ in secondopinion/urls.py)."""

from django.urls import path

from secondopinion.operations import views_case

app_name = "operations_case"
urlpatterns = [
    path("export/", views_case.case_export_view, name="export"),
]
