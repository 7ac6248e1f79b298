from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "secondopinion.plans"
    label = "plans"
    verbose_name = "Plan reader and comparer"
