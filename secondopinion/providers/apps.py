from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "secondopinion.providers"
    label = "providers"
