from django.urls import path

from secondopinion.pathology import views, views_manual

app_name = "pathology"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("documents/<uuid:document_id>/", views.document, name="document"),
    path("documents/<uuid:document_id>/read/", views.document_read, name="document_read"),
    path(
        "documents/<uuid:document_id>/confirm-all/",
        views.document_confirm_all,
        name="document_confirm_all",
    ),
    path("documents/<uuid:document_id>/type-in/", views_manual.manual_facts, name="manual"),
    path("facts/<uuid:fact_id>/", views.fact_update, name="fact_update"),
]
