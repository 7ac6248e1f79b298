from __future__ import annotations

from django.apps import AppConfig


class DoctorsConfig(AppConfig):
    name = "secondopinion.doctors"
    label = "doctors"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES  # noqa: PLC0415
        from secondopinion.core.jobs import job_kind_register  # noqa: PLC0415
        from secondopinion.doctors.journey import stages  # noqa: PLC0415
        from secondopinion.doctors.tasks import job_kind  # noqa: PLC0415

        STAGE_SOURCES.register(stages)
        job_kind_register(job_kind())
