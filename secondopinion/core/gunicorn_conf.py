"""gunicorn settings for a hosted install: `gunicorn -c python:secondopinion.core.gunicorn_conf
secondopinion.wsgi`. Every value can be changed with an environment variable (docs/deploy.md).

gunicorn sits behind a reverse proxy (nginx, Caddy, a cloud load balancer) that ends TLS; it
listens on the loopback address by default and trusts X-Forwarded-* only from the proxy's address.
"""

from __future__ import annotations

import os

from gunicorn.glogging import Logger

from secondopinion.core.env import env_int, env_str
from secondopinion.core.logmask import MaskingFilter, mask
from secondopinion.core.warmup import warm_in_background

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


class TokenHidingLogger(Logger):
    """gunicorn's logger, with share-link and invite tokens (and query strings) masked in access
    log lines, the same way core.logmask masks every other log line."""

    def setup(self, cfg):
        super().setup(cfg)
        # gunicorn's own error lines ("Error handling request /r/...") pass the same mask.
        self.error_log.addFilter(MaskingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "f"):
            if isinstance(atoms.get(key), str):
                atoms[key] = mask(atoms[key])
        return atoms


logger_class = TokenHidingLogger


def post_worker_init(worker):
    # Each worker does its start-up work (the ZIP table) now, so no patient's first page waits.
    warm_in_background()
