"""Case pages that belong to the operations app (mounted at /cases/<case_id>/ in secondopinion/urls.py)."""

from django.urls import path

from secondopinion.operations import views_case

app_name = "operations_case"
urlpatterns = [
    path("export/", views_case.case_export_view, name="export"),
    path("export/<uuid:export_id>/", views_case.export_status, name="export_status"),
    path("export/<uuid:export_id>/download/", views_case.export_download, name="export_download"),
]
