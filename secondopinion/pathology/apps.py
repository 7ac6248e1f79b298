from django.apps import AppConfig


class PathologyConfig(AppConfig):
    name = "secondopinion.pathology"
    label = "pathology"
