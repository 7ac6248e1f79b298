from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "secondopinion.core"
    label = "core"
