from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "secondopinion.opinions"
    label = "opinions"
