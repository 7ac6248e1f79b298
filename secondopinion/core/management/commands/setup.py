"""Prepare this installation: apply database migrations, then load the bundled data."""

from importlib import import_module

from django.core.management import call_command
from django.core.management.base import BaseCommand

from secondopinion.core.bundled import BUNDLED_DATA_LOADERS


class Command(BaseCommand):
    help = "Apply migrations and load bundled data. Safe to run again at any time."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        for dotted in BUNDLED_DATA_LOADERS:
            module_name, func_name = dotted.rsplit(".", 1)
            line = getattr(import_module(module_name), func_name)()
            if line:
                self.stdout.write(line)
        self.stdout.write("The database is ready.")
