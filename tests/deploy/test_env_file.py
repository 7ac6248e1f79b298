"""The environment file of docs/deploy.md: systemd and the shell read the same values from it."""

from __future__ import annotations

from tests.deploy.docs import env_file_filled, env_read_as_shell, env_read_as_systemd


def test_it_reads_the_same_under_systemd_and_the_shell(tmp_path):
    path = tmp_path / "env"
    path.write_text(env_file_filled())
    by_systemd = env_read_as_systemd(path.read_text())
    assert env_read_as_shell(path) == by_systemd
    assert by_systemd["BEHIND_PROXY"] == "true"
    assert by_systemd["CACHE_URL"] == "redis://127.0.0.1:6379/1"
    assert by_systemd["DEFAULT_FROM_EMAIL"].startswith("Second Opinion Navigator <")
    assert not [key for key, value in by_systemd.items() if "#" in value]


def test_it_holds_every_value_a_hosted_install_needs():
    values = env_read_as_systemd(env_file_filled())
    for key in ("SECRET_KEY", "DATABASE_URL", "TASKS_BACKEND", "REDIS_URL", "CACHE_URL"):
        assert values[key], key
    assert values["TASKS_BACKEND"] == "rq" and values["STORAGE_BACKEND"] == "s3"
