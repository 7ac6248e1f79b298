from __future__ import annotations

from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "secondopinion.opinions"
    label = "opinions"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES  # noqa: PLC0415
        from secondopinion.cases.lifecycle import FILE_SOURCES  # noqa: PLC0415
        from secondopinion.core.jobs import job_kind_register  # noqa: PLC0415
        from secondopinion.opinions import journey, lifecycle, pdfs, tasks  # noqa: PLC0415
        from secondopinion.records.printing import LETTER_PDF_WRITERS  # noqa: PLC0415

        STAGE_SOURCES.register(journey.stages)
        FILE_SOURCES.register(lifecycle.case_files)
        LETTER_PDF_WRITERS.register(pdfs.request_letter_pdf)
        job_kind_register(tasks.job_kind())
