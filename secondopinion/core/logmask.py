"""Keep secrets out of every log line.

A share-link or caregiver-invite token in a path opens a case to whoever holds it, and the words a
person searched for (`?q=invasive+ductal+carcinoma`) are health details. Neither may reach a log:
`mask()` replaces both, and `MaskingFilter` applies it to every record of every logger (it sits on
the one console handler in settings.LOGGING, so Django's request log, the worker, the local web
server and gunicorn's error log all pass through it). gunicorn's access log uses `mask()` too.

The same filter stamps each record with the current request id (core.requestid), and
`JSONFormatter` writes one JSON object a line (LOG_FORMAT=json) for a log collector: time (UTC with
offset), level, logger, message, request id, and the masked traceback when there is one.
"""

from __future__ import annotations

import json
import logging
import re
import time

from secondopinion.core.requestid import current_request_id

# /r/<token>/... (share links) and /accounts/invite/<token>/ (caregiver invites).
TOKEN_IN_PATH = re.compile(r"(/r/|/accounts/invite/)[^/?#\s\"']+")
# A query string of name=value pairs: search words, filters, anything a person typed.
QUERY_STRING = re.compile(r"\?[\w.\-\[\]]+=[^\s\"']*")


def mask(text: str) -> str:
    """`text` with tokens in paths replaced by [token] and query strings by ?[query]."""
    if "/" not in text and "?" not in text:
        return text
    return QUERY_STRING.sub("?[query]", TOKEN_IN_PATH.sub(r"\1[token]", text))


class MaskingFilter(logging.Filter):
    """Masks the message and any formatted traceback of each record (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a 4xx/5xx answer after the middleware has finished, with the request
            # attached to the record: the id is taken from the request then.
            request = getattr(record, "request", None)
            record.request_id = current_request_id() or getattr(request, "request_id", "-")
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call: leave it to the formatter to report
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        return True


# A plain line: time, level, logger, request id, message.
PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def log_formatter(style: str) -> logging.Formatter:
    """The formatter of LOG_FORMAT `style` ("plain" or "json"), for loggers that settings.LOGGING
    does not configure (gunicorn's own)."""
    return JSONFormatter() if style == "json" else UTCFormatter(PLAIN_FORMAT)


class UTCFormatter(logging.Formatter):
    """Times in UTC with their offset (2026-12-01T21:49:05+00:00), like gunicorn's own lines."""

    converter = time.gmtime  # type: ignore[assignment]  # typeshed binds it like a method
    default_time_format = "%Y-%m-%dT%H:%M:%S+00:00"
    default_msec_format = None


class JSONFormatter(UTCFormatter):
    """One JSON object per line. Only the fields below: a record's extra attributes are left out,
    so nothing a caller attaches by accident reaches the log."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(self.formatException(record.exc_info))
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = mask(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False)
