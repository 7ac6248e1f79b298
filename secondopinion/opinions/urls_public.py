from django.urls import path

from secondopinion.opinions import views_public

app_name = "share"
urlpatterns = [
    path("<str:token>/", views_public.share_open, name="open"),
    path("<str:token>/packet/", views_public.share_packet, name="packet"),
    path("<str:token>/files/<int:index>/", views_public.share_file, name="file"),
    path("<str:token>/summary/", views_public.share_summary, name="summary"),
    path("<str:token>/report/", views_public.share_report, name="report"),
    path("<str:token>/report/<uuid:opinion_id>/check/", views_public.share_check, name="check"),
]
