from __future__ import annotations

from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "secondopinion.doctors"
    label = "doctors"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES
        from secondopinion.core.jobs import job_kind_register
        from secondopinion.doctors.journey import stages
        from secondopinion.doctors.tasks import job_kind

        STAGE_SOURCES.register(stages)
        job_kind_register(job_kind())
