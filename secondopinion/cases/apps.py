from __future__ import annotations

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "secondopinion.cases"
    label = "cases"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES, case_stages

        STAGE_SOURCES.register(case_stages)
