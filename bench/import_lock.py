"""Benchmark: how long others wait on SQLite while a CD of many small studies is imported.

In a throwaway data folder with its own SQLite file (the real settings: WAL, IMMEDIATE, timeout),
a real threaded HTTP server (Django's `ThreadedWSGIServer`) serves the app. A ZIP of N one-image
DICOM studies is imported in a background thread, while another person signs in over HTTP again
and again (GET the form, POST the password) and uploads a small text file to their case. Measured:
the longest sign-in, the longest upload, and every HTTP status other than 200/302.

Two modes in the same run, each on a fresh database:
- `batched`: the import as shipped (`CD_WRITE_BATCH` rows per short transaction);
- `single`: the old behaviour, every row in one transaction (CD_WRITE_BATCH larger than the disc).
  The old code also ran several queries per study inside that transaction, so its real lock was
  held longer than this baseline's.

    .venv/bin/python bench/import_lock.py [--studies 10000] [--batch 1000] [--modes batched,single]
    .venv/bin/python bench/import_lock.py --studies 1500 --batch 300 --modes batched --json

The cap on studies per disc (CD_MAX_STUDIES, 2,000 by default) is raised to the disc's size, so
the rows are written; `--cap default` keeps the setting, so a disc over it is refused, and
`--cap default,raised` runs both on the same ZIP (each on a fresh database).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password"  # noqa: S105 - a throwaway account in a throwaway folder


def zip_make(path: Path, studies: int) -> Path:
    from pydicom.uid import generate_uid

    from tests.records.helpers import dicom_bytes

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in range(studies):
            data = dicom_bytes(study_uid=generate_uid(), series_uid=generate_uid(), size=4)
            zf.writestr(f"DICOM/S{n:05d}/IM1", data)
    return path


class Person:
    """Another user of the same app, over HTTP, with their own cookies."""

    def __init__(self, base: str, email: str, case_id: str) -> None:
        self.base = base
        self.email = email
        self.case_id = case_id
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.statuses: list[int] = []
        self.signins: list[float] = []
        self.uploads: list[float] = []

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def _csrf(self, html: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        return match.group(1) if match else ""

    def signin(self) -> None:
        self.jar.clear()
        started = time.perf_counter()
        status, html = self._open(self.base + "/accounts/login/")
        self.statuses.append(status)
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": self._csrf(html), "username": self.email, "password": PASSWORD}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
            self.base + "/accounts/login/", data=body, headers={"Referer": self.base + "/"}
        )
        status, _ = self._open(request)
        self.statuses.append(status)
        self.signins.append(time.perf_counter() - started)

    def upload(self, n: int) -> None:
        url = f"{self.base}/cases/{self.case_id}/records/upload/"
        started = time.perf_counter()
        status, html = self._open(f"{self.base}/cases/{self.case_id}/records/")
        self.statuses.append(status)
        boundary = "----bench-boundary"
        parts = io.BytesIO()
        fields = {"csrfmiddlewaretoken": self._csrf(html)}
        for name, value in fields.items():
            parts.write(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        parts.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="note-{n}.txt"\r\nContent-Type: text/plain\r\n\r\n'.encode()
        )
        parts.write(f"Visit note number {n}. Nothing medical here.\r\n".encode())
        parts.write(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(  # noqa: S310 - our own http://127.0.0.1 server
            url,
            data=parts.getvalue(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": url,
            },
        )
        status, _ = self._open(request)
        self.statuses.append(status)
        self.uploads.append(time.perf_counter() - started)


def _server_start():
    """The app on a free local port, served from threads: (server, base URL)."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args) -> None:  # no request lines on the terminal
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
    server.set_app(get_wsgi_application())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def run_mode(*, mode: str, studies: int, batch: int, archive: Path, cap: int) -> dict:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from secondopinion.core import vault
    from secondopinion.records import imports
    from secondopinion.records.models import Document, ImagingStudy
    from tests.factories import make_case, make_user

    connection.close()
    db = Path(settings.DATABASES["default"]["NAME"])
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    settings.CD_MAX_STUDIES = cap
    settings.CD_WRITE_BATCH = batch if mode == "batched" else 10 * studies + 10
    owner = make_user("owner@example.org")
    case = make_case(owner)
    other = make_user("other@example.org")
    other_case = make_case(other)

    server, base = _server_start()
    person = Person(base, other.email, str(other_case.public_id))
    person.signin()  # warm up: templates, URL resolver
    person.signins.clear()

    result: dict = {}

    def import_run() -> None:
        try:
            disc_import = imports.disc_import_start(case=case, source_name="many.zip")
            started = time.perf_counter()
            done = imports.disc_import_run(disc_import=disc_import, source=archive, fsync=False)
            result["import_seconds"] = round(time.perf_counter() - started, 2)
            result["import_status"] = done.status
            result["import_error"] = done.error
            result["rows_seconds"] = done.summary.get("seconds", {}).get("rows")
        finally:
            connection.close()

    importer = threading.Thread(target=import_run)
    importer.start()
    n = 0
    while importer.is_alive():
        person.signin()
        person.upload(n)
        n += 1
    importer.join()
    server.shutdown()
    server.server_close()
    result.update(
        mode=mode,
        zip_mb=round(archive.stat().st_size / 1e6, 1),
        studies=studies,
        studies_shown=ImagingStudy.objects.visible().filter(case=case).count(),
        disc_files=len(vault.stored_walk("disc/")),
        batch=settings.CD_WRITE_BATCH,
        max_studies=settings.CD_MAX_STUDIES,
        signins=len(person.signins),
        uploads=len(person.uploads),
        uploads_stored=Document.objects.filter(case=other_case).count(),
        signin_max=round(max(person.signins, default=0), 3),
        upload_max=round(max(person.uploads, default=0), 3),
        bad_statuses=sorted(s for s in person.statuses if s not in (200, 302)),
    )
    connection.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--studies", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--modes", default="batched,single")
    parser.add_argument("--cap", default="raised", help="raised, default, or both: default,raised")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    work = Path(tempfile.mkdtemp(prefix="so-bench-lock-"))
    os.environ["SECONDOPINION_DATA_DIR"] = str(work / "data")
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"  # plain-http cookies, fast hashing
    # This measures SQLite's write lock: never the PostgreSQL a caller's DATABASE_URL names.
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.conf import settings

    caps = {"raised": args.studies, "default": settings.CD_MAX_STUDIES}
    try:
        archive = zip_make(work / "many.zip", args.studies)
        results = [
            run_mode(
                mode=mode, studies=args.studies, batch=args.batch, archive=archive, cap=caps[cap]
            )
            for cap in args.cap.split(",")
            for mode in args.modes.split(",")
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(results))
        return
    print(f"ZIP of {args.studies:,} one-image studies, {results[0]['zip_mb']} MB")
    print(
        "mode     studies cap  batch  import s  rows s  sign-ins  uploads  longest sign-in s  longest upload s  non-2xx/3xx"
    )
    for r in results:
        print(
            f"{r['mode']:<8} {r['max_studies']:>11} {r['batch']:>6} {r['import_seconds']:>9} {r['rows_seconds']!s:>7}"
            f" {r['signins']:>9} {r['uploads_stored']:>8} {r['signin_max']:>18} {r['upload_max']:>17}  {r['bad_statuses']}"
        )


if __name__ == "__main__":
    main()
