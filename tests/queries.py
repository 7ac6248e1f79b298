"""Count the SQL queries of one call: the "constant number of queries" tests measure a page or a
function with 1 item and with 10 and assert the counts are equal."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries(call: Callable[[], object]) -> int:
    """How many SQL queries `call()` made."""
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)
