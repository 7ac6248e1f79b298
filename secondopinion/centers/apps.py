from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "secondopinion.centers"
    label = "centers"

    def ready(self) -> None:
        from secondopinion.centers.geo import zip_table_warm
        from secondopinion.core.warmup import WARMERS

        WARMERS.register(zip_table_warm)
        # After the ZIP table (it looks up one ZIP): the page itself, compiled and rendered once.
        WARMERS.register(_search_page_warm)


def _search_page_warm() -> None:
    from secondopinion.centers.views import search_page_warm  # in the warm-up thread, not here

    search_page_warm()
