from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secondopinion.accounts"
    label = "accounts"

    def ready(self) -> None:
        from secondopinion.accounts import checks  # noqa: F401 - registers the checks
        from secondopinion.accounts.changes import changes_connect

        changes_connect()
