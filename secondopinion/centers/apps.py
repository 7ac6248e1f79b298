from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "secondopinion.centers"
    label = "centers"
