from django.urls import path

from secondopinion.records import views, views_portal, views_viewer

app_name = "records"
urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("documents/<uuid:document_id>/", views.document_detail, name="document_detail"),
    path(
        "documents/<uuid:document_id>/download/", views.document_download, name="document_download"
    ),
    path("documents/<uuid:document_id>/delete/", views.document_remove, name="document_delete"),
    path("imports/<uuid:import_id>/", views.import_detail, name="import_detail"),
    path("portal/", views_portal.portal_upload, name="portal_upload"),
    path("portal/<uuid:portal_import_id>/", views_portal.portal_detail, name="portal_detail"),
    path(
        "portal/<uuid:portal_import_id>/decide/", views_portal.portal_decide, name="portal_decide"
    ),
    path(
        "portal/<uuid:portal_import_id>/cancer/", views_portal.portal_cancer, name="portal_cancer"
    ),
    path("portal/<uuid:portal_import_id>/plan/", views_portal.portal_plan, name="portal_plan"),
    path("studies/<uuid:study_id>/", views.study_detail, name="study_detail"),
    path("series/<uuid:series_id>/preview.png", views.series_preview, name="series_preview"),
    path("series/<uuid:series_id>/view/", views_viewer.series_viewer, name="series_viewer"),
    path(
        "series/<uuid:series_id>/slices/<int:slice_number>.png",
        views_viewer.series_slice,
        name="series_slice",
    ),
    path("services/<uuid:service_id>/checklist/", views.checklist, name="checklist"),
    path("services/<uuid:service_id>/letter/", views.request_letter, name="letter"),
    path("services/<uuid:service_id>/letter.pdf", views.request_letter_pdf, name="letter_pdf"),
]
