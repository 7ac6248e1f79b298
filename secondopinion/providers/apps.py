from __future__ import annotations

from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "secondopinion.providers"
    label = "providers"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES
        from secondopinion.providers.journey import stages

        STAGE_SOURCES.register(stages)
