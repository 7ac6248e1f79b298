"""The data folder is private: folders 0700, files 0600, from the first run and after `setup`,
through a journey of every command and upload that writes there."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from secondopinion.core.privacy import make_private
from tests.opinions.factories import tiny_pdf
from tests.records.helpers import armed, small_cd, zip_of

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
# immediate task backend) and a service to send it to; it prints their ids for the commands after.
JOURNEY = """
import datetime
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from secondopinion.accounts.models import User
from secondopinion.cases.models import Case
from secondopinion.providers.facts import service_save
from secondopinion.providers.models import Service
owner = User.objects.create_user(email="private@example.org", password="a-long-test-password")
case = Case.objects.create(owner=owner, patient_name="Ana", cancer_type="breast")
client = Client(HTTP_HOST="127.0.0.1")
client.force_login(owner)
report = SimpleUploadedFile("report.txt", b"Invasive ductal carcinoma, 2.1 cm. pT2 pN0.")
response = client.post(reverse("records:upload", args=[case.public_id]), {"files": [report]})
assert response.status_code in (200, 302), response.status_code
assert case.documents.count() == 1
service = Service(case=case, name="Hope Second Opinions", doctor_name="Ada Moreau")
service_save(service=service, today=datetime.date.today())
print(case.public_id, service.public_id)
"""

# The reviewer opens a share link and sends a report with a script in it (stored disarmed, the
# original kept aside): the PDF's path is the one argument.
REVIEWER = """
import sys
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from secondopinion.opinions.models import Opinion
from secondopinion.opinions.services.links import link_create
from secondopinion.providers.models import Service
service = Service.objects.get(name="Hope Second Opinions")
_, token = link_create(case=service.case, service=service, user=service.case.owner)
client = Client(HTTP_HOST="127.0.0.1")
assert client.get(reverse("share:open", args=[token])).status_code == 200
with open("{pdf}", "rb") as fh:
    report = SimpleUploadedFile("opinion.pdf", fh.read(), content_type="application/pdf")
response = client.post(reverse("share:report", args=[token]), {{"report": report}})
assert response.status_code in (200, 302), response.status_code
assert Opinion.objects.get(case=service.case).report_kept_name
"""


@pytest.mark.system  # the CLI as processes
def test_every_path_is_private_after_a_journey(tmp_path):
    data = tmp_path / "data"
    env = _env(data)
    os.umask(0o022)  # as a typical login shell has it; the command must not depend on ours
    small_cd(tmp_path / "cd")
    cd = zip_of(tmp_path / "cd", tmp_path / "cd.zip")
    pdf = tmp_path / "opinion.pdf"
    pdf.write_bytes(armed(tiny_pdf("Opinion")))

    def run(*command: str) -> str:
        done = subprocess.run(
            [*PYTHON, *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        return done.stdout

    run("setup")
    run("demo")
    case_id, service_id = run("shell", "-c", JOURNEY).split()[-2:]
    run("import-cd", str(cd), "--case", case_id)
    run("packet", "build", "--case", case_id, "--service", service_id, "--out", str(tmp_path / "p"))
    run("shell", "-c", REVIEWER.format(pdf=pdf))
    # Each step left its files: the disc's images, the packet, the report and its original.
    tops = {p.relative_to(data / "files").parts[0] for p in (data / "files").rglob("*")}
    assert {"disc", "packets", "reports"} <= tops, sorted(tops)
    assert len([p for p in (data / "files" / "reports").rglob("*") if p.is_file()]) == 2
    backup = tmp_path / "backup"
    run("backup", "--out", str(backup))
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
