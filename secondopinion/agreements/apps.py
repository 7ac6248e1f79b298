from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "secondopinion.agreements"
    verbose_name = "Service agreements"
