from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "secondopinion.records"
    label = "records"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES
        from secondopinion.cases.lifecycle import FILE_SOURCES
        from secondopinion.core.jobs import job_kind_register
        from secondopinion.providers.facts import MISSING_RECORDS_SOURCES
        from secondopinion.records import checklist, jobs, journey, lifecycle

        STAGE_SOURCES.register(journey.stages)
        FILE_SOURCES.register(lifecycle.case_files)
        MISSING_RECORDS_SOURCES.register(checklist.missing_for_service)
        for kind in jobs.kinds():
            job_kind_register(kind)
