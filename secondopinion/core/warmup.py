"""Work a server does once at start, so no patient's first page waits for it.

An app registers a function here from its AppConfig.ready() (the centers app builds its ZIP table);
`serve` and each gunicorn worker run them all in a background thread before the first request.
Commands run nothing of it.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable

from secondopinion.core.registry import Registry

log = logging.getLogger(__name__)

WARMERS: Registry[Callable[[], None]] = Registry("start-up warmers")


def warm_in_background() -> threading.Thread:
    thread = threading.Thread(target=_warm_all, name="warm-up", daemon=True)
    thread.start()
    return thread


def _warm_all() -> None:
    for warm in WARMERS:
        try:
            warm()
        except Exception:  # a failed warm-up only means a slower first page, never a dead server
            log.exception("warm-up step %s failed", getattr(warm, "__name__", warm))
    # What the server keeps for good (after the ZIP table, about 320,000 objects) is moved out of
    # the garbage collector's sight: otherwise each full collection walks all of it, 0.2 to 0.8 s
    # in which no page is answered (bench/viewer.py saw scan viewer steps of 250 to 800 ms).
    # No gc.collect() first: that would be one such pause; the little garbage frozen is kept.
    gc.freeze()
