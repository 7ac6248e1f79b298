from django.urls import path

from secondopinion.centers import views

app_name = "centers"
urlpatterns = [
    path("", views.search, name="search"),
]
