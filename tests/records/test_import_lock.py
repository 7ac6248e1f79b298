"""A CD import of many small studies does not lock others out of the app.

The app runs in a child process (bench/import_lock.py) with its own SQLite file and the real
database settings, behind a real threaded HTTP server: an in-memory test database shares one
connection between threads and could not show SQLite's write lock at all. While 1,500 one-image
studies are imported (in batches of 300 rows), another person signs in and uploads over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# A child app and threaded HTTP server importing 1,500 studies: the system stage.
pytestmark = pytest.mark.system

ROOT = Path(__file__).resolve().parents[2]


def test_it_keeps_sign_ins_and_uploads_working_during_a_large_cd_import():
    # The bench measures SQLite's write lock in its own data folder, whatever database this run uses.
    env = {
        k: v for k, v in os.environ.items() if k not in ("SECONDOPINION_DATA_DIR", "DATABASE_URL")
    }
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "import_lock.py"),
            "--studies",
            "1500",
            "--batch",
            "300",
            "--modes",
            "batched",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=ROOT,
        check=True,
    )
    (result,) = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["import_status"] == "done", result["import_error"]
    assert result["studies_shown"] == 1500
    assert result["signins"] >= 3  # the other person really was signing in during the import
    assert result["uploads_stored"] == result["uploads"] >= 3
    assert result["bad_statuses"] == []  # no 500, no "database is locked"
    assert result["signin_max"] < 2.0
