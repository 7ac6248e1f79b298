from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The top layer: backup, restore, export, integrity and setup, over every app's data."""

    name = "secondopinion.operations"
    label = "operations"

    def ready(self) -> None:
        from secondopinion.cases.lifecycle import FILE_SOURCES
        from secondopinion.core.jobs import job_kind_register
        from secondopinion.operations import lifecycle, tasks

        FILE_SOURCES.register(lifecycle.case_files)
        job_kind_register(tasks.job_kind())
