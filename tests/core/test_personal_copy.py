"""A personal copy runs without the hosted extra: with DATABASE_URL unset, starting the app
(settings, every app, every URL) never imports the PostgreSQL driver, which `./run` does not
install (it is in the `hosted` extra of pyproject.toml)."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys, django
from django.conf import settings
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
from django.db import connection
connection.ensure_connection()
print(settings.DATABASES["default"]["ENGINE"])
print(sorted(m for m in sys.modules if m.split(".")[0] in {"psycopg", "psycopg2", "psycopg_binary"}))
"""


def test_psycopg_is_in_the_hosted_extra_only():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert not any(d.startswith("psycopg") for d in project["dependencies"])
    assert any(d.startswith("psycopg") for d in project["optional-dependencies"]["hosted"])
    assert 'bootstrap "test,hosted,bench"' in (ROOT / "test").read_text()
    assert 'bootstrap ""' in (ROOT / "run").read_text()


@pytest.mark.system  # Python and bootstrap.sh as processes
def test_the_app_starts_on_sqlite_without_importing_psycopg(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TASKS_BACKEND", "STORAGE_BACKEND", "HOSTED", "CACHE_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path),
        SECURE_COOKIES="false",
    )
    out = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert out[-2] == "django.db.backends.sqlite3"
    assert out[-1] == "[]"


FAKE_PYTHON = """#!/bin/sh
# pip stands-in: prints what setuptools prints during an editable install, then succeeds or not.
if [ "$1" = "-m" ]; then
  echo "BuildBackendWarning: Editable installation." >&2
  echo "Please be careful with folders in your working directory" >&2
  exit "${FAKE_PIP_RC:-0}"
fi
exec "%s" "$@"
"""


def _bootstrap(folder: Path, rc: int) -> subprocess.CompletedProcess:
    for name in ("pyproject.toml", "constraints.txt", "scripts/bootstrap.sh"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text((ROOT / name).read_text())
    fake = folder / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True, exist_ok=True)
    fake.write_text(FAKE_PYTHON % sys.executable)
    fake.chmod(0o755)
    for stamp in (folder / ".venv").glob(".installed-*"):
        stamp.unlink()
    return subprocess.run(
        ["bash", "-c", '. scripts/bootstrap.sh && bootstrap ""'],
        cwd=folder,
        env={**os.environ, "PYTHON": sys.executable, "FAKE_PIP_RC": str(rc)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.system  # Python and bootstrap.sh as processes
def test_setting_up_prints_no_install_banner_but_shows_it_when_pip_fails(tmp_path):
    ok = _bootstrap(tmp_path, rc=0)
    assert ok.returncode == 0
    assert ok.stdout == "Installing what the app needs (this takes a minute the first time)...\n"
    assert "Editable installation" not in ok.stdout + ok.stderr
    failed = _bootstrap(tmp_path, rc=1)
    assert failed.returncode == 1
    assert "Editable installation" in failed.stderr and "installation failed" in failed.stderr
