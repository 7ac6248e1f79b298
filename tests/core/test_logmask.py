"""core.logmask: tokens and query strings never reach a log line, from any logger."""

from __future__ import annotations

import io
import json
import logging
import logging.config

from django.conf import settings

from secondopinion.core.logmask import JSONFormatter, MaskingFilter, UTCFormatter, mask

TOKEN = "Q_NeWWi6jg7lqOifOGsa6KuZVLehQFOVWMululYqiws"


def test_it_masks_share_link_and_invite_tokens_and_query_strings():
    assert mask(f"Not Found: /r/{TOKEN}/files/3/") == "Not Found: /r/[token]/files/3/"
    assert mask(f"GET /accounts/invite/{TOKEN}/ 200") == "GET /accounts/invite/[token]/ 200"
    assert mask("/centers/?zip=02215&q=invasive+ductal") == "/centers/?[query]"
    assert mask("Is the worker alive? yes") == "Is the worker alive? yes"
    assert mask("/cases/12/records/") == "/cases/12/records/"


def _captured(logger_name: str, *args, exc: BaseException | None = None) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(UTCFormatter("%(asctime)s %(message)s"))
    logger = logging.getLogger(logger_name)
    logger.addHandler(handler)
    try:
        if exc is None:
            logger.error(*args)
        else:
            try:
                raise exc
            except type(exc):
                logger.exception(*args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_it_masks_arguments_and_tracebacks_of_any_logger():
    line = _captured("django.request", "Internal Server Error: %s", f"/r/{TOKEN}/")
    assert TOKEN not in line and "/r/[token]/" in line
    line = _captured("worker", "failed", exc=ValueError(f"bad path /r/{TOKEN}/"))
    assert TOKEN not in line and "ValueError" in line


def test_its_times_are_utc_with_an_offset():
    assert "+00:00 " in _captured("x", "hello")


def test_settings_put_the_mask_on_the_console_handler_every_logger_reaches():
    handler = settings.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["mask"]
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    assert settings.LOGGING["filters"]["mask"]["()"].endswith("MaskingFilter")


def test_json_lines_are_masked_even_without_the_filter():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "open /r/%s/", (TOKEN,), None)
    entry = json.loads(JSONFormatter().format(record))
    assert entry["message"] == "open /r/[token]/" and entry["time"].endswith("+00:00")
