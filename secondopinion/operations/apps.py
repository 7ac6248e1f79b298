from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """The top layer: backup, restore, export, integrity and setup, over every app's data."""

    name = "secondopinion.operations"
    label = "operations"
