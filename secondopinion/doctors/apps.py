from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "secondopinion.doctors"
    label = "doctors"
