"""Owner-only case pages, mounted at /cases/<uuid:case_id>/ (namespace "sharing")."""

from django.urls import path

from secondopinion.accounts import views_case

app_name = "sharing"
urlpatterns = [
    path("sharing/", views_case.sharing_page, name="page"),
    path("sharing/link/", views_case.sharing_link_new, name="link_new"),
    path(
        "sharing/link/<uuid:invite_id>/cancel/",
        views_case.sharing_link_cancel,
        name="link_cancel",
    ),
    path("sharing/people/<uuid:person_id>/", views_case.sharing_person, name="person"),
    path("activity/", views_case.activity, name="activity"),
]
