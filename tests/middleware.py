"""Test-only middleware.

Browser tests run the app in pytest-django's live server, whose request threads all share the one
connection of the in-memory SQLite test database. Two requests at once (a page and its image
previews, say) then collide on that connection ("database table is locked" when saving the
session). Real installs have a connection per thread; in tests, requests take turns.
"""

from __future__ import annotations

import threading

_ONE_AT_A_TIME = threading.Lock()


def one_request_at_a_time(get_response):
    def middleware(request):
        with _ONE_AT_A_TIME:
            return get_response(request)

    return middleware
