from django.urls import path

from secondopinion.opinions import views

app_name = "opinions"
urlpatterns = [
    path("", views.opinions_home, name="home"),
    path("first-plan/", views.first_plan, name="first_plan"),
    path("packet/<uuid:service_id>/", views.packet_preview, name="packet_preview"),
    path("packets/<uuid:build_id>/", views.packet_status, name="packet_status"),
    path("packets/<uuid:build_id>/download/", views.packet_download, name="packet_download"),
    path("links/new/<uuid:service_id>/", views.link_new, name="link_new"),
    path("links/<uuid:link_id>/", views.link_detail, name="link_detail"),
    path("links/<uuid:link_id>/revoke/", views.link_revoke, name="link_revoke"),
    path(
        "links/<uuid:link_id>/passcodes/reset/",
        views.link_passcodes_reset,
        name="link_passcodes_reset",
    ),
    path("new/", views.opinion_new, name="opinion_new"),
    path("<uuid:opinion_id>/", views.opinion_detail, name="opinion_detail"),
    path("<uuid:opinion_id>/edit/", views.opinion_edit, name="opinion_edit"),
    path("<uuid:opinion_id>/check/", views.opinion_check, name="opinion_check"),
    path("<uuid:opinion_id>/report/", views.opinion_report, name="opinion_report"),
    path(
        "<uuid:opinion_id>/report/pages/<int:page>.png",
        views.opinion_report_page,
        name="opinion_report_page",
    ),
    path("compare/", views.compare_page, name="compare"),
    path("compare/keep-question/", views.compare_question_add, name="compare_question_add"),
    path("questions/", views.questions_page, name="questions"),
    path("questions/pick/", views.questions_pick, name="questions_pick"),
    path("questions/my-questions.pdf", views.questions_download, name="questions_pdf"),
    path("questions/<uuid:question_id>/", views.question_update, name="question_update"),
    path("handoff/", views.handoff_page, name="handoff"),
    path("handoff/summary.pdf", views.handoff_download, name="handoff_pdf"),
    path("calendar.ics", views.calendar_download, name="calendar"),
]
