"""This app's stages of the journey dashboard (see secondopinion.cases.journey)."""

from __future__ import annotations

import datetime


def stages(case, today: datetime.date) -> list:
    # Nothing to show until this stage's pages exist.
    return []
