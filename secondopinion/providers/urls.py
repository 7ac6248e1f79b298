from django.urls import path

from secondopinion.providers import views

app_name = "providers"
urlpatterns = [
    path("", views.service_list, name="list"),
    path("new/", views.service_new, name="new"),
    path("compare/", views.service_compare, name="compare"),
    path("<uuid:service_id>/", views.service_detail, name="detail"),
    path("<uuid:service_id>/edit/", views.service_edit, name="edit"),
    path("<uuid:service_id>/agreement/", views.service_agreement, name="agreement"),
    path("links/<uuid:link_id>/extend/", views.link_extend, name="link_extend"),
    path("<uuid:service_id>/questions/", views.service_questions, name="questions"),
]
