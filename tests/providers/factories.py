"""Services with sensible defaults for tests."""

from __future__ import annotations

import datetime

from secondopinion.providers.facts import service_save
from secondopinion.providers.models import Service


def make_service(case, **fields) -> Service:
    fields.setdefault("name", "Hope Second Opinions")
    service = Service(case=case, **fields)
    service_save(service=service, today=datetime.date.today())
    return service
