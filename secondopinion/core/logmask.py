"""Keep secrets out of every log line.

A share-link or caregiver-invite token in a path opens a case to whoever holds it, and the words a
person searched for (`?q=invasive+ductal+carcinoma`) are health details. Neither may reach a log:
`mask()` replaces both, and `MaskingFilter` applies it to every record of every logger (it sits on
the one console handler in settings.LOGGING, so Django's request log, the worker, the local web
server and gunicorn's error log all pass through it). gunicorn's access log uses `mask()` too.
"""

from __future__ import annotations

import logging
import re
import time

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


class UTCFormatter(logging.Formatter):
    """Times in UTC with their offset (2026-12-01T21:49:05+00:00), like gunicorn's own lines."""

    converter = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S+00:00"
    default_msec_format = None
