"""The start-up warm-up: what it keeps is frozen out of the garbage collector's full passes."""

import gc
import sys

from secondopinion.core.apps import _first_request_modules
from secondopinion.core.warmup import WARMERS, _warm_all


def test_it_freezes_what_the_server_keeps_so_full_collections_stay_short():
    gc.unfreeze()
    try:
        _warm_all()
        # The ZIP table and the rest: a full collection no longer walks them (bench/viewer.py saw
        # a slice step wait 250 to 800 ms for one before).
        assert gc.get_freeze_count() > 100_000
    finally:
        gc.unfreeze()


def test_it_imports_what_the_first_request_would_import(monkeypatch):
    assert _first_request_modules in WARMERS
    for name in ("django.contrib.sessions.serializers", "django.contrib.messages.storage.fallback"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    _first_request_modules()
    assert "django.contrib.sessions.serializers" in sys.modules
    assert "django.contrib.messages.storage.fallback" in sys.modules
