"""Moved to `secondopinion.cases.access` (the access helper fetches cases, so it sits above them).

This re-export keeps imports written before the move working until they are rewritten; new code
imports `secondopinion.cases.access`. import-linter allows only this one upward import.
"""

from secondopinion.cases.access import (  # noqa: F401
    OWNER,
    can_edit,
    case_for_user,
    case_role,
    case_view,
    cases_visible_to,
)
