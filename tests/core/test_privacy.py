"""The data folder is private: folders 0700, files 0600, from the first run and after `setup`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from secondopinion.core.privacy import make_private

ROOT = Path(__file__).resolve().parents[2]
PYTHON = [sys.executable, "-m", "secondopinion"]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


def _loose(root: Path) -> list[str]:
    """Every path under root whose mode is not 0700 (folder) or 0600 (file)."""
    wrong = []
    for path in [root, *root.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if not path.is_symlink() and mode != want:
            wrong.append(f"{path.relative_to(root)} {oct(mode)}")
    return wrong


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(data),
        TASKS_BACKEND="immediate",
    )
    return env


# A journey through the real code paths: a case, an uploaded report (read in the background by the
# immediate task backend), a share link, then a backup.
JOURNEY = """
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from secondopinion.accounts.models import User
from secondopinion.cases.models import Case
owner = User.objects.create_user(email="private@example.org", password="a-long-test-password")
case = Case.objects.create(owner=owner, patient_name="Ana", cancer_type="breast")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(owner)
report = SimpleUploadedFile("report.txt", b"Invasive ductal carcinoma, 2.1 cm. pT2 pN0.")
response = client.post(reverse("records:upload", args=[case.public_id]), {"files": [report]})
assert response.status_code in (200, 302), response.status_code
assert case.documents.count() == 1
"""


@pytest.mark.system  # the CLI as processes
def test_every_path_is_private_after_a_journey(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    os.umask(0o022)  # as a typical login shell has it; the command must not depend on ours
    for command in (["setup"], ["demo"], ["shell", "-c", JOURNEY]):
        subprocess.run([*PYTHON, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    assert any(p.is_file() for p in (data / "files").rglob("*"))
    backup = tmp_path / "backup"
    subprocess.run(
        [*PYTHON, "backup", "--out", str(backup)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert (data / "db.sqlite3").exists() and (data / "secret_key").exists()
    assert _loose(data) == []
    assert _loose(backup) == []


@pytest.mark.system  # the CLI as processes
def test_setup_makes_an_older_installation_private(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    subprocess.run([*PYTHON, "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    (data / "files" / "ab").mkdir(parents=True, exist_ok=True)
    (data / "files" / "ab" / "report.pdf").write_bytes(b"%PDF-1.4")
    for path in [data, *data.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    result = subprocess.run(
        [*PYTHON, "setup"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    assert "private to you" in result.stdout
    assert _loose(data) == []


def test_make_private_leaves_symbolic_links_alone(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    inside = tmp_path / "data"
    inside.mkdir()
    (inside / "link").symlink_to(outside)
    make_private(inside)
    assert stat.S_IMODE(outside.stat().st_mode) == 0o644
