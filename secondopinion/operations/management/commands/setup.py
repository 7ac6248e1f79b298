"""Prepare this installation: apply database migrations and take a quick look at the stored files
(a warning line when something is missing). Bundled data ships in data migrations."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from secondopinion.accounts.checks import hosted_email_problems
from secondopinion.core.privacy import make_private
from secondopinion.core.words import count
from secondopinion.operations.integrity import check_line, integrity_check


class Command(BaseCommand):
    help = "Apply migrations and load bundled data. Safe to run again at any time."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("The database is ready.")
        for problem in hosted_email_problems():  # also an error of `check --deploy`
            self.stderr.write(f"Error: {problem.msg} {problem.hint}")
        # Installations from before folders were made private: fix them once, say so.
        fixed = make_private(settings.DATA_DIR)
        if fixed:
            self.stdout.write(
                f"Made {count(fixed, 'file or folder', 'files and folders')} in the data folder "
                "private to you."
            )
        # A quick look (presence only, no hashing) so a lost or half-written file is noticed at
        # start-up; the full check is `secondopinion check-integrity`.
        try:
            line = check_line(integrity_check(quick=True))
        except Exception as exc:  # noqa: BLE001 - a failing check must never stop the app starting
            line = f"Warning: the quick file check could not run ({exc.__class__.__name__})."
        if line:
            self.stdout.write(line)
