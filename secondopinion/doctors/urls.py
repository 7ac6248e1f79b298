from django.urls import path

from secondopinion.doctors import views

app_name = "doctors"
urlpatterns = [
    path("", views.research_list, name="list"),
    path("<uuid:research_id>/", views.research_detail, name="detail"),
    path("<uuid:research_id>/refresh/", views.research_refresh, name="refresh"),
    path("<uuid:research_id>/choose/", views.research_choose, name="choose"),
    path("<uuid:research_id>/notes/", views.note_add, name="note_add"),
    path("<uuid:research_id>/notes/<uuid:note_id>/delete/", views.note_delete, name="note_delete"),
]
