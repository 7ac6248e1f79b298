from __future__ import annotations

from django.apps import AppConfig


class PathologyConfig(AppConfig):
    name = "secondopinion.pathology"
    label = "pathology"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES
        from secondopinion.core.jobs import job_kind_register
        from secondopinion.pathology import journey, tasks
        from secondopinion.records.tasks import TEXT_READY_HOOKS

        STAGE_SOURCES.register(journey.stages)
        TEXT_READY_HOOKS.register(tasks.pathology_text_ready)
        job_kind_register(tasks.job_kind())
