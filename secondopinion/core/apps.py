from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "secondopinion.core"
    label = "core"

    def ready(self) -> None:
        from secondopinion.core.warmup import WARMERS

        WARMERS.register(_first_request_modules)


def _first_request_modules() -> None:
    """Import what Django imports only when the first request needs it (the session serializer,
    the message storage, the SQL compiler): about 10 ms the first visitor would otherwise wait."""
    from django.conf import settings
    from django.db import connection
    from django.utils.module_loading import import_string

    import_string(settings.SESSION_SERIALIZER)
    import_string(settings.MESSAGE_STORAGE)
    connection.ops.compiler("SQLCompiler")  # imports the backend's compiler module, no query
