"""Backup and restore of the whole installation, on whichever database the suite runs against
(SQLite by default; PostgreSQL when DATABASE_URL says so, as in CI)."""

import hashlib
import json
import os
import stat
import subprocess

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from secondopinion.cases.models import Case
from secondopinion.core import vault
from secondopinion.core.applock import app_lock
from secondopinion.operations.backup import (
    BackupError,
    backup_key_new,
    backups_in,
    backups_prune,
    installation_backup,
)
from secondopinion.operations.restore import backup_verify, installation_restore
from secondopinion.records.models import Document
from tests.core.helpers import document_store
from tests.factories import make_case, make_user
from tests.opinions.factories import make_build, make_link
from tests.providers.factories import make_service

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> dict:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_models()
        if not model._meta.proxy
    }


def _files() -> dict:
    return {
        name: hashlib.sha256(default_storage.open(name).read()).hexdigest()
        for name in vault.stored_walk(storage=default_storage)
    }


@pytest.fixture
def installation():
    owner = make_user("owner@example.org")
    case = make_case(owner, patient_name="Olive Owner")
    document_store(case, b"%PDF first")
    document_store(case, b"%PDF second")
    return case


def test_it_backs_up_wipes_restores_and_finds_identical_rows_and_files(installation, tmp_path):
    before_rows, before_files = _rows(), _files()
    result = installation_backup(out=tmp_path / "backup")
    assert result.files == 2 and result.engine == connection.vendor

    Case.objects.all().delete()
    for name in vault.stored_walk(storage=default_storage):
        default_storage.delete(name)
    make_case(make_user("later@example.org"))  # a change made after the backup goes away too
    assert _rows() != before_rows and _files() == {}

    installation_restore(path=tmp_path / "backup")
    assert _rows() == before_rows
    assert _files() == before_files


def test_it_refuses_a_truncated_database_before_changing_anything(installation, tmp_path):
    installation_backup(out=tmp_path / "backup")
    database = next((tmp_path / "backup").glob("database.*"))
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    Document.objects.all().delete()
    before_rows, before_files = _rows(), _files()
    with pytest.raises(BackupError, match="cut short"):
        installation_restore(path=tmp_path / "backup")
    assert _rows() == before_rows and _files() == before_files


def test_it_refuses_a_backup_with_a_changed_file(installation, tmp_path, capsys):
    installation_backup(out=tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    victim = tmp_path / "backup" / manifest["files"][0]["path"]
    data = victim.read_bytes()
    victim.write_bytes(data[:-1] + b"!")  # same size, different bytes
    Case.objects.all().delete()
    with pytest.raises(CommandError, match="changed since the backup"):
        call_command("restore", str(tmp_path / "backup"))
    assert Case.objects.count() == 0


def test_it_refuses_a_damaged_sqlite_file_even_when_the_manifest_matches(installation, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: a PostgreSQL dump is checked with pg_restore --list")
    installation_backup(out=tmp_path / "backup")
    backup = tmp_path / "backup"
    database = backup / "database.sqlite3"
    data = bytearray(database.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # overwrite the schema page
    database.write_bytes(bytes(data))
    manifest = json.loads((backup / "manifest.json").read_text())
    manifest["database"]["sha256"] = hashlib.sha256(data).hexdigest()
    (backup / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BackupError, match="damaged|cannot be read"):
        installation_restore(path=backup)


def test_it_will_not_write_into_an_existing_folder_or_restore_a_non_backup(installation, tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(BackupError, match="already exists"):
        installation_backup(out=tmp_path / "taken")
    with pytest.raises(BackupError, match="not a finished backup"):
        installation_restore(path=tmp_path / "taken")


def test_the_commands_report_what_they_did(installation, tmp_path, capsys):
    call_command("backup", "--out", str(tmp_path / "b"))
    assert "2 files" in capsys.readouterr().out
    call_command("restore", str(tmp_path / "b"), "--check-only")
    assert "complete" in capsys.readouterr().out
    call_command("restore", str(tmp_path / "b"))
    assert "Restored" in capsys.readouterr().out


def test_it_carries_the_secret_key_privately_and_restores_it(installation, tmp_path, settings):
    key_file = settings.DATA_DIR / "secret_key"
    key_before = key_file.read_text().strip()
    installation_backup(out=tmp_path / "backup")
    carried = tmp_path / "backup" / "secret_key"
    assert carried.read_text() == settings.SECRET_KEY
    assert stat.S_IMODE(carried.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "backup").stat().st_mode) == 0o700
    assert "secret_key" in (tmp_path / "backup" / "SHA256SUMS").read_text()

    key_file.write_text("a-key-made-after-the-backup")
    try:
        if os.environ.get("SECRET_KEY"):
            pytest.skip("the key comes from the environment here")
        manifest = installation_restore(path=tmp_path / "backup")
        assert key_file.read_text() == settings.SECRET_KEY
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert "stay valid" in manifest["key_note"]
    finally:
        key_file.write_text(key_before)

    carried.write_text("tampered")
    with pytest.raises(BackupError, match="secret_key"):
        backup_verify(tmp_path / "backup")


def test_a_session_and_a_share_link_made_before_still_work_after_a_restore_elsewhere(
    installation, tmp_path, settings
):
    if os.environ.get("SECRET_KEY"):
        pytest.skip("the key comes from the environment here")
    case = installation
    dashboard = reverse("cases:detail", args=[case.public_id])
    owner = Client()
    owner.force_login(case.owner)
    assert owner.get(dashboard).status_code == 200
    cookie = owner.cookies[settings.SESSION_COOKIE_NAME].value
    service = make_service(case, doctor_name="Ada Moreau")
    make_build(case, service)
    _, token = make_link(case, service)
    installation_backup(out=tmp_path / "backup")

    # A new computer: an empty data folder whose first start made its own key, an empty database.
    fresh = tmp_path / "fresh"
    (fresh / "files").mkdir(parents=True)
    settings.DATA_DIR = fresh
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(fresh / "files")},
        },
    }
    (fresh / "secret_key").write_text("a-key-the-new-computer-made")
    settings.SECRET_KEY = "a-key-the-new-computer-made"
    call_command("flush", interactive=False)
    assert _files() == {}

    installation_restore(path=tmp_path / "backup")
    # The app was stopped for the restore; its next start reads the key from the data folder.
    # Had the restore left the new computer's key there, the cookie would sign nobody in.
    settings.SECRET_KEY = (fresh / "secret_key").read_text().strip()
    assert settings.SECRET_KEY != "a-key-the-new-computer-made"

    browser = Client()  # the same browser, after the move: only its cookie came along
    browser.cookies[settings.SESSION_COOKIE_NAME] = cookie
    page = browser.get(dashboard)
    assert page.status_code == 200 and "Olive Owner" in page.content.decode()
    reviewer = Client()
    assert reviewer.get(reverse("share:open", args=[token])).status_code == 200
    packet = reviewer.get(reverse("share:packet", args=[token]))
    assert b"".join(packet.streaming_content)[:2] == b"PK"


def test_it_restores_an_older_backup_without_a_key(installation, tmp_path):
    installation_backup(out=tmp_path / "backup")
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["secret_key"]
    manifest_path.write_text(json.dumps(manifest))
    (tmp_path / "backup" / "secret_key").unlink()
    assert "no secret key" in installation_restore(path=tmp_path / "backup")["key_note"]


def test_restore_refuses_while_the_app_holds_the_lock(installation, tmp_path, settings, capsys):
    installation_backup(out=tmp_path / "backup")
    Case.objects.all().delete()
    with app_lock(settings.DATA_DIR):
        with pytest.raises(BackupError, match="app is running"):
            installation_restore(path=tmp_path / "backup")
        with pytest.raises(CommandError, match="app is running"):
            call_command("restore", str(tmp_path / "backup"))
    assert not Case.objects.exists()
    installation_restore(path=tmp_path / "backup")  # once the app is stopped it goes ahead
    assert Case.objects.count() == 1


# --- encrypted at rest, private, incremental, kept N deep -------------------------------------


@pytest.fixture
def backup_key(settings, tmp_path):
    settings.BACKUP_ENCRYPT = True
    settings.BACKUP_KEY_FILE = backup_key_new(tmp_path / "keys" / "backup.key")
    return settings.BACKUP_KEY_FILE


def _everything(folder) -> list:
    return [p for p in folder.rglob("*")]


def test_an_encrypted_backup_holds_no_plaintext_and_restores(installation, tmp_path, backup_key):
    before_rows, before_files = _rows(), _files()
    result = installation_backup(out=tmp_path / "backup")
    assert result.encrypted and result.files == 2
    backup = tmp_path / "backup"
    for path in _everything(backup):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
        if path.is_file() and path.name != "manifest.json":
            data = path.read_bytes()
            assert b"%PDF" not in data and b"SQLite format" not in data, path
            assert settings_key() not in data
    # The sums check the stored (encrypted) bytes, so a copy can be checked without the key.
    check = subprocess.run(
        ["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=backup, capture_output=True, check=False
    )
    assert check.returncode == 0, check.stdout

    Case.objects.all().delete()
    for name in vault.stored_walk(storage=default_storage):
        default_storage.delete(name)
    installation_restore(path=backup)
    assert _rows() == before_rows and _files() == before_files
    assert all(
        stat.S_IMODE(os.stat(os.path.join(default_storage.location, n)).st_mode) == 0o600
        for n in before_files
    )


def settings_key() -> bytes:
    return settings.SECRET_KEY.encode()


def test_it_refuses_another_key_and_a_changed_piece_with_nothing_changed(
    installation, tmp_path, backup_key, settings
):
    installation_backup(out=tmp_path / "backup")
    with pytest.raises(BackupError, match="another key"):
        backup_verify(tmp_path / "backup", key_file=backup_key_new(tmp_path / "other.key"))
    # A changed byte whose stored digest was made to match: the decryption itself refuses it.
    manifest_path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    entry = manifest["files"][0]
    target = tmp_path / "backup" / entry["path"]
    data = bytearray(target.read_bytes())
    data[-3] ^= 1
    target.write_bytes(bytes(data))
    entry["stored_sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    rows = _rows()
    with pytest.raises(BackupError, match="cannot be decrypted.*Nothing was changed"):
        installation_restore(path=tmp_path / "backup")
    assert _rows() == rows


def test_it_needs_a_key_to_encrypt_and_says_how_to_make_one(installation, tmp_path, settings):
    settings.BACKUP_ENCRYPT = True
    settings.BACKUP_KEY_FILE = tmp_path / "missing.key"
    with pytest.raises(CommandError, match="--new-key"):
        call_command("backup", "--out", str(tmp_path / "b"))
    assert not (tmp_path / "b").exists()


def test_an_incremental_backup_links_unchanged_files_and_stands_alone(
    installation, tmp_path, backup_key
):
    first = installation_backup(out=tmp_path / "all" / "1")
    document_store(installation, b"%PDF third")
    second = installation_backup(out=tmp_path / "all" / "2", previous=first.path)
    assert (second.files, second.reused) == (3, 2)
    manifest = json.loads((second.path / "manifest.json").read_text())
    assert manifest["incremental_from"] == "1"
    linked = [e for e in manifest["files"] if e.get("reused_from") == "1"]
    assert len(linked) == 2
    for entry in linked:  # the same bytes on disk, not a second copy
        assert (second.path / entry["path"]).stat().st_ino == (
            first.path / entry["path"]
        ).stat().st_ino
    before_rows, before_files = _rows(), _files()
    assert backups_prune(tmp_path / "all", keep=1) == [first.path]
    for name in vault.stored_walk(storage=default_storage):
        default_storage.delete(name)
    installation_restore(path=second.path)
    assert _rows() == before_rows and _files() == before_files


def test_backup_into_a_folder_keeps_the_newest_and_reads_only_what_changed(
    installation, tmp_path, settings, capsys
):
    settings.BACKUP_KEEP = 2
    root = tmp_path / "nightly"
    (root / "notes").mkdir(parents=True)  # not a backup: never removed
    outputs = []
    for _ in range(3):
        call_command("backup", "--into", str(root))
        outputs.append(capsys.readouterr().out)
    assert "0 files unchanged" in outputs[0] and "2 files unchanged" in outputs[1]
    assert "Removed the old backup" in outputs[2]
    assert len(backups_in(root)) == 2 and (root / "notes").is_dir()
