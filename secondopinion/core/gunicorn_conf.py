"""gunicorn settings for a hosted install: `gunicorn -c python:secondopinion.core.gunicorn_conf
secondopinion.wsgi`. Every value can be changed with an environment variable (docs/deploy.md).

gunicorn sits behind a reverse proxy (nginx, Caddy, a cloud load balancer) that ends TLS; it
listens on the loopback address by default and trusts X-Forwarded-* only from the proxy's address.
"""

from __future__ import annotations

import os

from gunicorn.glogging import Logger

from secondopinion.core.env import env_choice, env_int, env_str
from secondopinion.core.logmask import MaskingFilter, log_formatter, mask
from secondopinion.core.requestid import SANE, request_id_set
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
# Access log lines carry method, path, status and timing: ids only, no health details. The time,
# level and request id come from the formatter, as in every other line (TokenHidingLogger).
accesslog = env_str("WEB_ACCESS_LOG", "-") or None
errorlog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


class TokenHidingLogger(Logger):
    """gunicorn's logger, writing its lines the way every other process does (core.logmask): times
    in UTC with their offset, one JSON object a line with LOG_FORMAT=json, tokens and query
    strings masked, and the request id in each access line.

    gunicorn's own formatters use local time, which is TIME_ZONE once Django has loaded (it sets
    TZ), and know neither JSON nor the request id.
    """

    def setup(self, cfg):
        super().setup(cfg)
        formatter = log_formatter(env_choice("LOG_FORMAT", "plain", ["plain", "json"]))
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if getattr(handler, "_gunicorn", False):
                    handler.setFormatter(formatter)
            # gunicorn's error lines ("Error handling request /r/...") pass the same mask, and
            # each line gets its request id (the filter sets it); once, however often setup runs.
            if not any(isinstance(f, MaskingFilter) for f in log.filters):
                log.addFilter(MaskingFilter())

    def access(self, resp, req, environ, request_time):
        # The request's own context is gone when gunicorn writes its access line: the id is the
        # one the app sent back in its X-Request-ID header (core.middleware.request_id).
        sent = next((value for name, value in resp.headers if name.lower() == "x-request-id"), "")
        with request_id_set(sent if SANE.fullmatch(sent) else "-"):
            super().access(resp, req, environ, request_time)

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
