from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "secondopinion.accounts"
    label = "accounts"

    def ready(self) -> None:
        from secondopinion.accounts.changes import changes_connect

        changes_connect()
