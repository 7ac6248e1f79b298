"""The cancer-center directory in the database, loaded from the bundled or an updated CSV.

The facts and their plain-words explanations live in the pure `directory` module; this model stores
them so the directory can be reloaded without a release, and hands rows back as `directory.Center`
records for the pure search.
"""

from __future__ import annotations

from django.db import models

from secondopinion.centers import directory


class Center(models.Model):
    key = models.SlugField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    parent_institution = models.CharField(max_length=255, blank=True)
    designation = models.CharField(
        max_length=60,
        choices=[(d, directory.DESIGNATION_LABELS[d]) for d in directory.DESIGNATIONS],
    )
    city = models.CharField(max_length=120)
    state = models.CharField(max_length=2)
    website = models.CharField(max_length=255, blank=True)
    remote_second_opinion = models.CharField(
        max_length=10, choices=list(directory.REMOTE_LABELS.items()), default="unknown"
    )
    remote_access = models.CharField(max_length=200, blank=True, help_text="';'-separated tags")
    remote_second_opinion_url = models.CharField(max_length=500, blank=True)
    latitude = models.FloatField()
    longitude = models.FloatField()
    notes = models.TextField(blank=True)
    source = models.TextField(blank=True)
    verified_on = models.DateField()
    phone = models.CharField(max_length=20, blank=True)
    phone_source = models.CharField(max_length=500, blank=True)
    second_opinion_phone = models.CharField(max_length=20, blank=True)
    # A center dropped from a newer file stays (services may point at it) but leaves search.
    listed = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "city"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city}, {self.state})"

    def as_record(self) -> directory.Center:
        return directory.Center(
            key=self.key,
            name=self.name,
            parent_institution=self.parent_institution,
            designation=self.designation,
            city=self.city,
            state=self.state,
            website=self.website,
            remote_second_opinion=self.remote_second_opinion,
            remote_access=tuple(t for t in self.remote_access.split(";") if t),
            remote_second_opinion_url=self.remote_second_opinion_url,
            latitude=self.latitude,
            longitude=self.longitude,
            notes=self.notes,
            source=self.source,
            verified_on=self.verified_on,
            phone=self.phone,
            phone_source=self.phone_source,
            second_opinion_phone=self.second_opinion_phone,
        )
