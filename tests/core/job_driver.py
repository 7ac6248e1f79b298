"""Steps of the worker kill tests (tests/core/test_jobs_kill.py), each in its own process against
a file-based SQLite data folder, with the task backend named by TASKS_BACKEND in the environment.

    python -m tests.core.job_driver STEP DATA_DIR [ARGS...]

Steps: `setup` (a case, two documents, a service, a small CD as an uploaded ZIP), `import` and
`packet` (start that background job), `worker MARKER PAUSE -- COMMAND...` (run a real worker
command; PAUSE `import` or `packet` stops the job half way, after writing MARKER, for the test to
kill it with SIGKILL; `publish` stops a CD import on object storage when half its files are in
the bucket; `none` runs normally), `state` (what the app, the storage and the staging folder
hold) and `retry` (the patient presses Try again on the job's page, through the real view).
With STORAGE_BACKEND=s3 the stored files are objects in the bucket, staged as the app does.
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
import zipfile
from pathlib import Path


def _django(data_dir: Path) -> None:
    os.environ["SECONDOPINION_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "secondopinion.settings"
    os.environ.pop("DATABASE_URL", None)
    import django  # noqa: PLC0415 - after the environment is set

    django.setup()


def _pause(marker: Path) -> None:
    marker.write_text(str(os.getpid()))
    time.sleep(120)  # the test kills us long before this ends
    raise SystemExit("not killed")  # pragma: no cover


def setup(data_dir: Path) -> dict:
    from secondopinion.core import vault  # noqa: PLC0415
    from secondopinion.records.models import Document  # noqa: PLC0415
    from tests.core.crash_driver import setup as crash_setup  # noqa: PLC0415

    state = crash_setup(data_dir)
    for name in Document.objects.values_list("stored_name", flat=True):
        vault.file_publish(name=name, root=vault.storage_root())  # into the bucket, as uploads are
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((data_dir / "cd").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(data_dir / "cd").as_posix())
    (data_dir / "cd.zip").write_bytes(buffer.getvalue())
    return state


def start_import(data_dir: Path) -> dict:
    from secondopinion.cases.models import Case  # noqa: PLC0415
    from secondopinion.core import vault  # noqa: PLC0415
    from secondopinion.records.imports import disc_import_start, storage_root  # noqa: PLC0415
    from secondopinion.records.tasks import disc_import_enqueue  # noqa: PLC0415

    stored = vault.stream_store([(data_dir / "cd.zip").read_bytes()], root=storage_root())
    vault.file_publish(name=stored.name, root=storage_root())  # on object storage: into the bucket
    disc_import = disc_import_start(
        case=Case.objects.get(), source_name="cd.zip", upload_name=stored.name
    )
    disc_import_enqueue(disc_import)
    return {"import_pk": disc_import.pk, "upload": stored.name}


def start_packet(service_pk: int) -> dict:
    from secondopinion.cases.models import Case  # noqa: PLC0415
    from secondopinion.opinions.services.packets import packet_request  # noqa: PLC0415
    from secondopinion.providers.models import Service  # noqa: PLC0415

    build = packet_request(case=Case.objects.get(), service=Service.objects.get(pk=service_pk))
    return {"build_pk": build.pk}


def worker(marker: Path, pause: str, command: list[str]) -> None:
    from django.core.management import call_command  # noqa: PLC0415

    if pause == "import":
        from secondopinion.records import disc  # noqa: PLC0415

        progress = disc.DiscScan._progress

        def progress_paused(self, n: int) -> None:
            progress(self, n)
            if self.bytes_done * 2 >= max(self.bytes_total, 1):
                _pause(marker)  # half the images are in storage, no row yet

        disc.DiscScan._progress = progress_paused
    elif pause == "publish":
        import threading  # noqa: PLC0415

        from secondopinion.core import vault  # noqa: PLC0415

        publish, lock, taken, published = vault.file_publish, threading.Lock(), [], []

        def publish_paused(*, name: str, root: Path) -> None:
            with lock:
                taken.append(name)
                beyond_half = len(taken) > 6  # of the disc's 12 images and 2 previews
            if beyond_half:  # once the first six are in the bucket, stop with the rest staged
                while len(published) < 6:
                    time.sleep(0.05)
                _pause(marker)
            publish(name=name, root=root)
            with lock:
                published.append(name)

        vault.file_publish = publish_paused
    elif pause == "packet":
        from secondopinion.opinions.models import PacketBuild  # noqa: PLC0415
        from secondopinion.opinions.services import packet_build  # noqa: PLC0415

        def packet_paused(build: PacketBuild):
            def step(done: int, total: int) -> None:
                PacketBuild.objects.filter(pk=build.pk).update(bytes_done=done, bytes_total=total)
                if done * 2 >= total:
                    _pause(marker)  # half the packet's ZIP is written

            return step

        packet_build._progress = packet_paused
    call_command(*command)


def state(data_dir: Path) -> dict:
    from django.conf import settings  # noqa: PLC0415

    from secondopinion.core import vault  # noqa: PLC0415
    from secondopinion.core.models import Job  # noqa: PLC0415
    from secondopinion.operations.integrity import integrity_check  # noqa: PLC0415
    from secondopinion.opinions.models import PacketBuild  # noqa: PLC0415
    from secondopinion.records.models import DiscImport, ImagingInstance  # noqa: PLC0415

    files = data_dir / "files"
    staging = Path(settings.RECORDS_STAGING_DIR)
    check = integrity_check(min_age=0)
    if vault.storage_is_local():
        stored = sorted(p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file())
    else:
        stored = sorted(vault.stored_walk())  # every object in the bucket
    return {
        "jobs": {
            f"{j.kind}:{j.key}": [j.state, j.error_class, j.message, j.attempts, str(j.public_id)]
            for j in Job.objects.all()
        },
        "imports": list(DiscImport.objects.values("pk", "status", "error", "upload_name")),
        "packets": list(PacketBuild.objects.values("pk", "status", "error", "file_name")),
        "instances": ImagingInstance.objects.count(),
        "files": stored,
        # Files only: the folders the staging tree keeps (disc/, the documents' folders) are empty.
        "staging": sorted(str(p) for p in staging.rglob("*") if p.is_file()),
        "problems": [[p.kind, p.name] for p in check.problems],
        "recent": check.recent,
    }


def retry(job_public_id: str) -> dict:
    from django.test import Client  # noqa: PLC0415

    from secondopinion.accounts.models import AuditEvent  # noqa: PLC0415
    from secondopinion.cases.models import Case  # noqa: PLC0415

    case = Case.objects.get()
    client = Client()
    client.force_login(case.owner)
    url = f"/cases/{case.public_id}/jobs/{job_public_id}/retry/"
    response = client.post(url, {"next": f"/cases/{case.public_id}/"}, HTTP_HOST="127.0.0.1")
    audited = AuditEvent.objects.filter(action="job.retried", case=case).count()
    return {"status": response.status_code, "audited": audited}


def main(argv: list[str]) -> None:
    step, data_dir = argv[0], Path(argv[1])
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    _django(data_dir)
    if step == "worker":
        split = argv.index("--")
        worker(Path(argv[2]), argv[3], argv[split + 1 :])
        return
    results = {
        "setup": lambda: setup(data_dir),
        "import": lambda: start_import(data_dir),
        "packet": lambda: start_packet(int(argv[2])),
        "state": lambda: state(data_dir),
        "retry": lambda: retry(argv[2]),
    }
    print(json.dumps(results[step](), default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
