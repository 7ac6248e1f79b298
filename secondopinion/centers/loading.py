"""Write a validated directory into the database, all or nothing.

Only `Center` rows change. Services a patient opened keep their link: a center missing from the new
file is marked unlisted, never deleted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from secondopinion.centers import directory
from secondopinion.centers.geo import CenterIndex
from secondopinion.centers.models import Center


@dataclass(frozen=True)
class LoadSummary:
    added: int
    updated: int
    unlisted: int


def _fields(center: directory.Center) -> dict:
    return {
        "name": center.name,
        "parent_institution": center.parent_institution,
        "designation": center.designation,
        "city": center.city,
        "state": center.state,
        "website": center.website,
        "remote_second_opinion": center.remote_second_opinion,
        "remote_access": ";".join(center.remote_access),
        "remote_second_opinion_url": center.remote_second_opinion_url,
        "latitude": center.latitude,
        "longitude": center.longitude,
        "notes": center.notes,
        "source": center.source,
        "verified_on": center.verified_on,
        "phone": center.phone,
        "phone_source": center.phone_source,
        "second_opinion_phone": center.second_opinion_phone,
        "listed": True,
    }


def directory_replace(*, centers: Sequence[directory.Center], model=None) -> LoadSummary:
    """Make the table match `centers` (already validated) in one transaction.

    `model` lets the data migration pass its historical model; normal callers leave it out.
    """
    if model is None:
        model = Center
    # An older data migration passes a historical model that lacks later columns.
    known = {f.name for f in model._meta.get_fields()}
    existing = {c.key: c for c in model.objects.all()}
    added = updated = 0
    with transaction.atomic():
        for center in centers:
            fields = {k: v for k, v in _fields(center).items() if k in known}
            row = existing.get(center.key)
            if row is None:
                model.objects.create(key=center.key, **fields)
                added += 1
            elif any(getattr(row, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(row, k, v)
                row.save()
                updated += 1
        keys = {c.key for c in centers}
        gone = [k for k, row in existing.items() if k not in keys and row.listed]
        unlisted = model.objects.filter(key__in=gone).update(listed=False)
    return LoadSummary(added=added, updated=updated, unlisted=unlisted)


def listed_index():
    """A search index over the centers currently listed (one query; about 75 rows)."""
    return CenterIndex(c.as_record() for c in Center.objects.filter(listed=True))
