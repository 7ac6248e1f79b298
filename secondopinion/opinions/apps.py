from __future__ import annotations

from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "secondopinion.opinions"
    label = "opinions"

    def ready(self) -> None:
        from secondopinion.cases.journey import STAGE_SOURCES
        from secondopinion.cases.lifecycle import FILE_SOURCES
        from secondopinion.core.jobs import job_kind_register
        from secondopinion.opinions import journey, lifecycle, pdfs, tasks
        from secondopinion.records.printing import LETTER_PDF_WRITERS

        STAGE_SOURCES.register(journey.stages)
        FILE_SOURCES.register(lifecycle.case_files)
        LETTER_PDF_WRITERS.register(pdfs.request_letter_pdf)
        job_kind_register(tasks.job_kind())
