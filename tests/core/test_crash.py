"""Crash safety: SIGKILL in the middle of an upload, a CD import and a packet build.

Each scenario runs the real code path in its own process against a file-based SQLite data folder
(tests/core/crash_driver.py), is killed at a chosen point, and a fresh process then looks at what
the app can see and runs the integrity check and its repair.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST", "DATABASE_URL"))
    }


def _driver(*args: str, timeout: float = 120) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "tests.core.crash_driver", *args],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crash-template")
    state = _driver("setup", str(folder))
    return folder, state


@pytest.fixture
def data(template, tmp_path):
    folder, state = template
    target = tmp_path / "data"
    shutil.copytree(folder, target)
    return target, state


def _kill_at_marker(data_dir: Path, scenario: str, *extra: str) -> set[str]:
    """Start the scenario, SIGKILL it once it reports its pause point; return the names in the
    files folder at the moment of the kill."""
    marker = data_dir / "marker"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.core.crash_driver", scenario, str(data_dir), str(marker)]
        + list(extra),
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        if process.poll() is not None:
            pytest.fail(f"{scenario} ended before its pause point: {process.stderr.read()[-3000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{scenario} never reached its pause point")
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    files = data_dir / "files"
    return {p.relative_to(files).as_posix() for p in files.rglob("*") if p.is_file()}


BEFORE_DOCS = ["r0.pdf", "r1.pdf"]


def test_it_survives_a_kill_in_the_middle_of_an_upload_stream(data):
    data_dir, _ = data
    at_kill = _kill_at_marker(data_dir, "upload-mid-stream")
    assert any(name.split("/")[-1].startswith(".upload-") for name in at_kill)  # really mid-write
    after = _driver("verify", str(data_dir))
    assert after["documents"] == BEFORE_DOCS
    assert [kind for kind, _ in after["problems"]] == ["orphan"]
    assert after["clean_after_repair"] and after["checked_after"] == 2


def test_it_survives_a_kill_after_the_file_is_stored_but_before_its_row(data):
    data_dir, _ = data
    at_kill = _kill_at_marker(data_dir, "upload-before-row")
    assert not any(name.split("/")[-1].startswith(".") for name in at_kill)
    after = _driver("verify", str(data_dir))
    assert after["documents"] == BEFORE_DOCS
    assert [kind for kind, _ in after["problems"]] == ["orphan"]  # the whole, unrecorded file
    assert after["clean_after_repair"]


@pytest.mark.parametrize("scenario", ["import-mid-scan", "import-in-transaction"])
def test_it_survives_a_kill_during_a_cd_import(data, scenario):
    data_dir, _ = data
    _kill_at_marker(data_dir, scenario)
    after = _driver("verify", str(data_dir))
    assert (after["studies"], after["series"], after["instances"]) == (0, 0, 0)
    assert after["documents"] == BEFORE_DOCS
    assert after["problems"] and {kind for kind, _ in after["problems"]} == {"orphan"}
    assert after["clean_after_repair"]
    # The import's own row still says it was running; the records page shows it as unfinished.
    assert after["imports"] == ["running"]


def test_it_survives_a_kill_during_a_packet_build(data):
    data_dir, state = data
    at_kill = _kill_at_marker(data_dir, "packet", str(state["service_pk"]))
    assert any(name.startswith("packets/") and name.endswith(".part") for name in at_kill)
    after = _driver("verify", str(data_dir))
    assert after["packets"] == [{"status": "running", "file_name": ""}]
    assert [kind for kind, _ in after["problems"]] == ["orphan"]  # the .part file
    assert after["clean_after_repair"] and after["documents"] == BEFORE_DOCS
