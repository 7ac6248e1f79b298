from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "secondopinion.centers"
    label = "centers"

    def ready(self) -> None:
        from secondopinion.centers.geo import zip_table_warm
        from secondopinion.core.warmup import WARMERS

        WARMERS.register(zip_table_warm)
