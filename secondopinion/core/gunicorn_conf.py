"""gunicorn settings for a hosted install: `gunicorn -c python:secondopinion.core.gunicorn_conf
secondopinion.wsgi`. Every value can be changed with an environment variable (docs/deploy.md).

gunicorn sits behind a reverse proxy (nginx, Caddy, a cloud load balancer) that ends TLS; it
listens on the loopback address by default and trusts X-Forwarded-* only from the proxy's address.
"""

from __future__ import annotations

import os
import re

from gunicorn.glogging import Logger

from secondopinion.core.env import env_int, env_str

bind = env_str("WEB_BIND", "127.0.0.1:8000")
# Threads per process: pages wait mostly on the database, so a few threads per worker process
# serve many patients without the memory of many processes.
worker_class = "gthread"
workers = env_int("WEB_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 9), minimum=1)
threads = env_int("WEB_THREADS", 4, minimum=1)
# Large uploads stream through the app; give them time, but not forever.
timeout = env_int("WEB_TIMEOUT", 120, minimum=10)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = env_int("WEB_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Access log lines carry method, path, status and timing: ids only, no health details.
accesslog = env_str("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'

# A share-link or invite token in a path opens a case to whoever holds it: never log one.
_TOKEN_IN_PATH = re.compile(r"(/r/|/accounts/invite/)[^/?#\s]+")


class TokenHidingLogger(Logger):
    """gunicorn's logger, with share-link and invite tokens replaced in access log lines."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _TOKEN_IN_PATH.sub(r"\1[token]", atoms[key])
        return atoms


logger_class = TokenHidingLogger
