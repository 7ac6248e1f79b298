"""`secondopinion serve` (what ./run starts): the web server and its worker start and stop together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def test_it_serves_with_a_worker_and_stops_the_worker_on_sigterm(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="secondopinion.settings",
        SECONDOPINION_DATA_DIR=str(tmp_path),
        TASKS_BACKEND="database",
        SECURE_COOKIES="false",
    )
    python = [sys.executable, "-m", "secondopinion"]
    subprocess.run([*python, "setup"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [*python, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/") as response:
                    assert response.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline, "the server did not answer in 30 s"
                time.sleep(0.2)
        workers = _children(server.pid)
        if not workers and not Path("/proc").exists():  # pragma: no cover - not Linux
            return
        assert len(workers) == 1, "serve starts exactly one worker"
        restore = subprocess.run(
            [*python, "restore", str(tmp_path / "no-such-backup")],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        assert restore.returncode != 0 and "app is running" in restore.stderr
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        deadline = time.monotonic() + 15
        while _alive(workers[0]):
            assert time.monotonic() < deadline, "the worker outlived the server"
            time.sleep(0.2)
        assert "http://127.0.0.1:" in server.stdout.read()
    finally:
        if server.poll() is None:
            server.kill()
