"""The systemd units of docs/deploy.md parse: `systemd-analyze verify` finds no unknown key and no
bad value in them. Skipped where systemd-analyze is not installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.deploy.docs import docs_file

UNITS = [
    "secondopinion-web@.service",
    "secondopinion-worker@.service",
    "secondopinion-integrity.service",
    "secondopinion-integrity.timer",
]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_the_documented_units_have_no_unknown_key_or_bad_value(tmp_path):
    for unit in UNITS:
        text = docs_file(f"/etc/systemd/system/{unit}", "ini")
        # The units name the install's venv; this one stands in for it.
        venv = f"{Path(sys.executable).parent}/"
        (tmp_path / unit).write_text(text.replace("/opt/secondopinion/.venv/bin/", venv))
    # Templates are checked through an instance, as systemctl starts them.
    names = ["secondopinion-web@8001.service", "secondopinion-worker@1.service", *UNITS[2:]]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / name) for name in names)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
