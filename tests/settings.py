"""Test settings: the real settings, with a throwaway data folder and tasks run at once."""

import os
import tempfile

os.environ.setdefault("SECONDOPINION_DATA_DIR", tempfile.mkdtemp(prefix="so-tests-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Under pytest-xdist each worker gets its own data folder (files, secret key, app lock): the
    # workers inherit the controller's environment, so the line above would share one.
    worker = os.environ["PYTEST_XDIST_WORKER"]
    os.environ["SECONDOPINION_DATA_DIR"] = tempfile.mkdtemp(prefix=f"so-tests-{worker}-")
os.environ.setdefault("TASKS_BACKEND", "immediate")

from secondopinion.settings import *  # noqa: E402, F403

# Argon2 is deliberately slow; tests create many users. Production keeps Argon2 first.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
# The live server for browser tests speaks plain http.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# The live server's request threads share one in-memory database connection: take turns.
MIDDLEWARE = ["tests.middleware.one_request_at_a_time", *MIDDLEWARE]  # noqa: F405
# Backups are plain unless a test asks for encryption (the PostgreSQL run counts as hosted).
BACKUP_ENCRYPT = False
