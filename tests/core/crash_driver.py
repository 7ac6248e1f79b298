"""Run one step of a crash test in its own process, against a file-based SQLite data folder.

    python -m tests.core.crash_driver SCENARIO DATA_DIR MARKER

The test (tests/core/test_crash.py) starts a scenario, waits until MARKER exists (the process has
reached the point named by the scenario and is paused there), and kills it with SIGKILL. Then it
runs `verify` in a fresh process, as a restart would. Each pause is a real stop in the middle of
the real code path: nothing is mocked except the pause itself.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def _pause(marker: Path) -> None:
    marker.write_text(str(os.getpid()))
    time.sleep(120)  # the test kills us long before this ends
    raise SystemExit("not killed")  # pragma: no cover


def _django(data_dir: Path) -> None:
    os.environ["SECONDOPINION_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.settings"
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.pop("DATABASE_URL", None)  # always the file-based SQLite in the data folder
    import django

    django.setup()


def _state() -> dict:
    from secondopinion.cases.models import Case

    case = Case.objects.get()
    return {"case": str(case.public_id), "case_pk": case.pk, "owner_pk": case.owner_id}


def setup(data_dir: Path) -> dict:
    """A case with two documents and a service, and a small CD on disk to import."""
    import datetime

    from django.core.management import call_command

    from secondopinion.providers.facts import service_save
    from secondopinion.providers.models import Service
    from tests.factories import make_case, make_user
    from tests.records.helpers import make_document, small_cd

    call_command("migrate", verbosity=0)
    owner = make_user("owner@example.org")
    case = make_case(owner, patient_name="Olive Owner")
    for i in range(2):
        make_document(case, content=b"%PDF-1.4 " + bytes([i]) * (1536 * 1024), name=f"r{i}.pdf")
    service = Service(case=case, name="Hope Second Opinions")
    service_save(service=service, today=datetime.date.today())
    small_cd(data_dir / "cd", studies=1, series=2, images=6)
    return {**_state(), "service_pk": service.pk}


def _multipart(boundary: str, filename: str, data: bytes) -> bytes:
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode()


class _SlowInput:
    """The request body as the server reads it from the socket; stops at `pause_at` bytes, as
    a connection would when the machine dies mid-upload."""

    def __init__(self, body: bytes, *, pause_at: int | None, marker: Path) -> None:
        self.body, self.pos, self.pause_at, self.marker = body, 0, pause_at, marker

    def read(self, size: int = -1) -> bytes:
        if self.pause_at is not None and self.pos >= self.pause_at:
            _pause(self.marker)
        end = len(self.body) if size is None or size < 0 else self.pos + size
        if self.pause_at is not None:
            end = min(end, self.pause_at)
        chunk = self.body[self.pos : end]
        self.pos += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:  # pragma: no cover - multipart uses read()
        return self.read(size)


def upload(marker: Path, *, pause_mid_stream: bool) -> None:
    """POST a file through the whole WSGI stack to the records upload view."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.middleware.csrf import _get_new_csrf_string
    from django.test import Client

    from secondopinion.accounts.models import User

    state = _state()
    client = Client()
    client.force_login(User.objects.get(pk=state["owner_pk"]))
    session = client.cookies["sessionid"].value
    token = _get_new_csrf_string()
    data = b"%PDF-1.4 upload " + os.urandom(3 * 1024 * 1024)
    boundary = "crashtestboundary"
    body = _multipart(boundary, "scan.pdf", data)
    if not pause_mid_stream:
        import secondopinion.records.views as views

        def document_add_paused(**kwargs):
            _pause(marker)  # the file is in storage under its final name; no row yet

        views.document_add = document_add_paused
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/cases/{state['case']}/records/upload/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_COOKIE": f"sessionid={session}; csrftoken={token}",
        "HTTP_X_CSRFTOKEN": token,
        "wsgi.input": _SlowInput(
            body, pause_at=len(body) * 6 // 10 if pause_mid_stream else None, marker=marker
        ),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    response = WSGIHandler()(environ, lambda status, headers: None)
    raise SystemExit(f"upload finished without pausing: {b''.join(response)[:200]!r}")


def import_cd(marker: Path, data_dir: Path, *, pause_in_transaction: bool) -> None:
    """Run the real `import-cd` command; pause half way through the files, or inside the
    transaction that writes the rows (after the rows are written, before the commit)."""
    from importlib import import_module

    from django.core.management import call_command

    command = import_module("secondopinion.records.management.commands.import-cd")
    imports = import_module("secondopinion.records.imports")
    if pause_in_transaction:
        batch_write = imports._batch_write

        def batch_write_paused(*args, **kwargs):
            batch_write(*args, **kwargs)
            _pause(marker)

        imports._batch_write = batch_write_paused
    else:

        def progress_paused(self, done: int, total: int) -> None:
            if done * 2 >= total:
                _pause(marker)

        command.Command._progress = progress_paused
    call_command("import-cd", str(data_dir / "cd"), case=_state()["case"])
    raise SystemExit("import finished without pausing")


def packet(marker: Path, service_pk: int) -> None:
    """Build a packet through its background task; pause half way through copying the files."""
    from secondopinion.cases.models import Case
    from secondopinion.opinions.models import PacketBuild
    from secondopinion.opinions.services import packet_build
    from secondopinion.opinions.tasks import packet_build_task

    def progress_paused(build: PacketBuild):
        def step(done: int, total: int) -> None:
            PacketBuild.objects.filter(pk=build.pk).update(bytes_done=done, bytes_total=total)
            if done * 2 >= total:
                _pause(marker)

        return step

    packet_build._progress = progress_paused
    case = Case.objects.get()
    build = PacketBuild.objects.create(case=case, service_id=service_pk)
    packet_build_task.enqueue(build.pk)
    raise SystemExit("packet finished without pausing")


def verify() -> dict:
    """After the restart: what can the app see, what does the check find, and after repair?"""
    from secondopinion.operations.integrity import integrity_check, integrity_repair
    from secondopinion.opinions.models import PacketBuild
    from secondopinion.records.models import (
        DiscImport,
        Document,
        ImagingInstance,
        ImagingSeries,
        ImagingStudy,
    )

    def visible() -> dict:
        return {
            "documents": sorted(Document.objects.values_list("original_name", flat=True)),
            # What the pages show (an unfinished import's rows stay hidden) ...
            "studies": ImagingStudy.objects.visible().count(),
            "series": ImagingSeries.objects.filter(
                study__in=ImagingStudy.objects.visible()
            ).count(),
            "instances": ImagingInstance.objects.filter(
                series__study__in=ImagingStudy.objects.visible()
            ).count(),
            # ... and every row, whether shown or not.
            "rows": ImagingStudy.objects.count() + ImagingInstance.objects.count(),
            "imports": list(DiscImport.objects.values_list("status", flat=True)),
            "packets": list(PacketBuild.objects.values("status", "file_name")),
        }

    seen = visible()  # what the app shows right after the restart, before any repair
    before = integrity_check(min_age=0)
    integrity_repair(report=before)
    after = integrity_check(min_age=0)
    return {
        **seen,
        "problems": [[p.kind, p.name] for p in before.problems],
        "after_repair": visible(),
        "clean_after_repair": after.ok and not after.recent,
        "checked_after": after.checked,
    }


def main(argv: list[str]) -> None:
    scenario, data_dir = argv[0], Path(argv[1])
    marker = Path(argv[2]) if len(argv) > 2 else data_dir / "marker"
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    _django(data_dir)
    if scenario == "setup":
        print(json.dumps(setup(data_dir)))
    elif scenario == "upload-mid-stream":
        upload(marker, pause_mid_stream=True)
    elif scenario == "upload-before-row":
        upload(marker, pause_mid_stream=False)
    elif scenario == "import-mid-scan":
        import_cd(marker, data_dir, pause_in_transaction=False)
    elif scenario == "import-in-transaction":
        import_cd(marker, data_dir, pause_in_transaction=True)
    elif scenario == "packet":
        packet(marker, int(argv[3]))
    elif scenario == "verify":
        print(json.dumps(verify()))
    else:
        raise SystemExit(f"unknown scenario {scenario}")


if __name__ == "__main__":
    main(sys.argv[1:])
