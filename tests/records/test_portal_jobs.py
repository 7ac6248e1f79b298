"""The portal import as a background job: found dead on start-up, its leftovers removed, Try again
on its page, its own timeout (docs/jobs.md)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from secondopinion.core import vault
from secondopinion.core.jobs import INTERRUPTED, INTERRUPTED_MESSAGE, job_for, job_timeout
from secondopinion.core.models import Job
from secondopinion.core.rqbackend import rq_timeout
from secondopinion.records import portal_import as portal_import_module
from secondopinion.records.models import Document, PortalImport, PortalItem
from secondopinion.records.portal_import import PORTAL_IMPORT, portal_import_start
from secondopinion.records.portal_tasks import portal_import_enqueue, portal_import_task
from tests.factories import make_case
from tests.records import portal_bundles

BREAST = portal_bundles.DATA / "mcode-breast.json"


class Killed(KeyboardInterrupt):
    """Stands for the worker being killed: the lifecycle lets it through, the job stays running."""


@pytest.fixture
def maria(owner):
    return make_case(owner, patient_name="Maria Rivera", cancer_type="other")


def _files(settings) -> list[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _queued(case, path: Path = BREAST) -> PortalImport:
    with open(path, "rb") as fh:
        stored = vault.stream_store(fh, root=vault.storage_root())
    return portal_import_start(
        case=case, source_name=path.name, upload_name=stored.name, sha256=stored.sha256
    )


def _run_and_die(portal_import: PortalImport, on_commit, monkeypatch) -> None:
    """Run the import until its documents are stored, then stop it the way a killed worker stops:
    none of its own clean-up runs, its transaction never commits."""

    def die(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as patch:
        patch.setattr(PortalItem.objects, "bulk_create", die)
        patch.setattr(portal_import_module, "_files_remove", lambda names: None)
        patch.setattr(portal_import_module, "_finish", lambda *args, **kwargs: None)
        patch.setattr(portal_import_module.shutil, "rmtree", lambda *args, **kwargs: None)
        with pytest.raises(Killed), on_commit(execute=True):
            portal_import_enqueue(portal_import)


def test_a_dead_portal_import_is_failed_at_start_up_and_its_files_removed(
    maria, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from secondopinion.core.management.commands.serve import Command  # noqa: PLC0415

    portal_import = _queued(maria)
    before = _files(settings)
    _run_and_die(portal_import, django_capture_on_commit_callbacks, monkeypatch)
    job = job_for(PORTAL_IMPORT, portal_import.pk)
    assert job is not None and job.state == "running"
    left = [name for name in _files(settings) if name not in before]
    assert any(name.startswith("portal/") for name in left)  # the documents it had stored
    assert any(name.startswith(".portal-") for name in left)  # its spool folder
    assert not Document.objects.filter(case=maria).exists()  # the rows never committed

    Command()._jobs_dead()  # serve starting: no worker can be alive

    job.refresh_from_db()
    portal_import.refresh_from_db()
    assert (job.state, job.error_class, job.message) == ("failed", INTERRUPTED, INTERRUPTED_MESSAGE)
    assert (portal_import.status, portal_import.error) == ("failed", INTERRUPTED_MESSAGE)
    assert _files(settings) == before  # only the download is left, for Try again
    assert vault.stored_exists(portal_import.upload_name)


def test_a_worker_starting_fails_an_import_whose_heartbeat_stopped(maria):
    portal_import = _queued(maria)
    PortalImport.objects.filter(pk=portal_import.pk).update(status="running")
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.create(
        kind=PORTAL_IMPORT,
        key=portal_import.pk,
        case_pk=maria.pk,
        state="running",
        started_at=long_ago,
        heartbeat_at=long_ago,
    )
    from secondopinion.core.jobs import jobs_sweep  # noqa: PLC0415

    assert [j.key for j in jobs_sweep()] == [portal_import.pk]
    portal_import.refresh_from_db()
    assert (portal_import.status, portal_import.error) == ("failed", INTERRUPTED_MESSAGE)


def test_try_again_on_the_portal_page_reads_the_download_again(
    client, maria, caregiver, stranger, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.factories import share_case  # noqa: PLC0415

    share_case(maria, caregiver, "viewer")
    portal_import = _queued(maria)
    _run_and_die(portal_import, django_capture_on_commit_callbacks, monkeypatch)
    from secondopinion.core.jobs import jobs_sweep  # noqa: PLC0415

    jobs_sweep(stale_after=0)
    job = job_for(PORTAL_IMPORT, portal_import.pk)
    page_url = reverse("records:portal_detail", args=[maria.public_id, portal_import.public_id])
    retry_url = reverse("cases:job_retry", args=[maria.public_id, job.public_id])

    client.force_login(maria.owner)
    html = client.get(page_url).content.decode()
    assert INTERRUPTED_MESSAGE in html and retry_url in html and "Try again" in html

    client.force_login(caregiver)  # may look, may not change
    html = client.get(page_url).content.decode()
    assert INTERRUPTED_MESSAGE in html and retry_url not in html
    assert client.post(retry_url).status_code == 404
    client.force_login(stranger)
    assert client.get(page_url).status_code == 404
    assert client.post(retry_url).status_code == 404
    portal_import.refresh_from_db()
    assert (
        portal_import.status == "failed" and job_for(PORTAL_IMPORT, portal_import.pk).attempts == 1
    )

    client.force_login(maria.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url, {"next": page_url})
    assert response.status_code == 302 and response["Location"] == page_url
    portal_import.refresh_from_db()
    assert portal_import.status == "done" and portal_import.upload_name == ""
    assert job_for(PORTAL_IMPORT, portal_import.pk).state == "done"
    assert PortalItem.objects.filter(case=maria, kind="condition").count() == 1
    assert "Finished. We added" in client.get(page_url).content.decode()


def test_a_refused_download_offers_no_try_again(owner_client, maria, tmp_path):
    bad = tmp_path / "records.json"
    bad.write_text('{"resourceType": "Bundle", "entry": ' + "[" * 5000 + "]" * 5000 + "}")
    portal_import = _queued(maria, bad)
    portal_import_task.call(portal_import.pk)
    portal_import.refresh_from_db()
    assert portal_import.status == "failed" and portal_import.error
    assert job_for(PORTAL_IMPORT, portal_import.pk).state == "done"  # bad input: not retried
    page_url = reverse("records:portal_detail", args=[maria.public_id, portal_import.public_id])
    assert "Try again" not in owner_client.get(page_url).content.decode()


def test_its_timeout_setting_reaches_the_job(maria, settings, monkeypatch):
    settings.JOB_TIMEOUTS = {**settings.JOB_TIMEOUTS, PORTAL_IMPORT: 4321}
    assert job_timeout(PORTAL_IMPORT) == 4321
    assert rq_timeout(portal_import_task) == 4321  # what rq is given as the job's job_timeout

    settings.JOB_TIMEOUTS = {**settings.JOB_TIMEOUTS, PORTAL_IMPORT: 1}
    monkeypatch.setattr(
        portal_import_module.portal, "portal_read", lambda *args, **kwargs: time.sleep(5)
    )
    portal_import = _queued(maria)
    started = time.monotonic()
    portal_import_task.call(portal_import.pk)
    assert time.monotonic() - started < 4
    job = job_for(PORTAL_IMPORT, portal_import.pk)
    portal_import.refresh_from_db()
    assert (job.state, job.error_class) == ("failed", "Timeout")
    assert "longer than the 1 minute allowed" in portal_import.error
    assert vault.stored_exists(portal_import.upload_name)  # kept for Try again


def test_a_run_killed_after_its_rows_committed_keeps_the_finished_import(
    maria, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Killed in the last step (removing the download, a network call on object storage): the
    import is done and its documents are the patient's, so failing the job must not remove them."""
    from secondopinion.core.management.commands.serve import Command  # noqa: PLC0415

    portal_import = _queued(maria)

    def die(*args, **kwargs):
        raise Killed()

    with monkeypatch.context() as patch:
        patch.setattr(portal_import_module, "_upload_remove", die)
        with pytest.raises(Killed), django_capture_on_commit_callbacks(execute=True):
            portal_import_enqueue(portal_import)
    portal_import.refresh_from_db()
    assert portal_import.status == "done"
    documents = list(Document.objects.filter(case=maria))
    assert documents
    assert job_for(PORTAL_IMPORT, portal_import.pk).state == "running"

    Command()._jobs_dead()  # serve starting: the job's run is dead

    portal_import.refresh_from_db()
    assert portal_import.status == "done"
    for document in documents:
        assert vault.stored_exists(document.stored_name), document.stored_name
