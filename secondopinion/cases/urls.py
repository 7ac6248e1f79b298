from django.urls import path

from secondopinion.cases import views, views_jobs

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<uuid:case_id>/", views.case_detail, name="detail"),
    path("<uuid:case_id>/edit/", views.case_edit, name="edit"),
    path("<uuid:case_id>/timeline/", views.timeline, name="timeline"),
    path("<uuid:case_id>/goals/", views.goals, name="goals"),
    path("<uuid:case_id>/delete/", views.case_delete, name="delete"),
    path("<uuid:case_id>/jobs/<uuid:job_id>/retry/", views_jobs.job_retry_view, name="job_retry"),
]
