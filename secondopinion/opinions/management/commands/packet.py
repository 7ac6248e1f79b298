"""`secondopinion packet build --case ID --service ID --out FILE` and `secondopinion packet verify FILE`.

`verify` works on any ZIP carrying a SHA256SUMS (a reviewer can check what they received) and
exits non-zero, naming each bad or missing file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from secondopinion.cases.models import Case
from secondopinion.core import vault
from secondopinion.opinions.models import PacketBuild
from secondopinion.opinions.packet import packet_verify
from secondopinion.opinions.services.packet_build import packet_default_excluded, packet_run
from secondopinion.providers.models import Service


class Command(BaseCommand):
    help = "Build a packet for a service, or verify a packet ZIP."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="make the packet for one service of a case")
        build.add_argument("--case", required=True, help="the case's public id")
        build.add_argument("--service", required=True, help="the service's public id")
        build.add_argument("--out", required=True, help="where to write the ZIP")
        verify = sub.add_parser(
            "verify", help="check every file listed in SHA256SUMS and manifest.json"
        )
        verify.add_argument("file")

    def handle(self, *args, **options) -> None:
        if options["action"] == "verify":
            self._verify(Path(options["file"]))
        else:
            self._build(options["case"], options["service"], Path(options["out"]))

    def _verify(self, path: Path) -> None:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        report = packet_verify(path)
        if report.error:
            raise CommandError(f"{path}: {report.error}")
        for name in report.unlisted:
            self.stdout.write(f"note: {name} is in the ZIP but not listed in SHA256SUMS")
        if report.problems:
            for problem in report.problems:
                self.stderr.write(f"BAD {problem.name}: {problem.reason}")
            raise CommandError(f"{len(report.problems)} of the listed files failed the check.")
        self.stdout.write(f"OK: all {report.checked} listed files match their SHA-256.")

    def _build(self, case_id: str, service_id: str, out: Path) -> None:
        try:
            case = Case.objects.get(public_id=case_id)
            service = Service.objects.get(case=case, public_id=service_id)
        except (Case.DoesNotExist, Service.DoesNotExist, ValidationError, ValueError):
            raise CommandError("No such case, or that service is not part of the case.") from None
        build = PacketBuild.objects.create(
            case=case, service=service, excluded=packet_default_excluded(case=case)
        )
        build = packet_run(build_pk=build.pk)
        if build.status != PacketBuild.Status.DONE:
            raise CommandError(build.error or "The packet could not be made.")
        out.parent.mkdir(parents=True, exist_ok=True)
        with vault.stored_open(build.file_name) as src, out.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1024 * 1024)
        self.stdout.write(f"Wrote {out} ({build.file_count} files, {build.file_size} bytes).")
