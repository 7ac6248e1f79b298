"""No lost updates: a form that edits a shared object carries the version of what it showed.

The version is a digest of the stored values of the form's own fields when the page was made
(a hidden field, `edit_base`). On save, the form compares it with the digest of the values stored
now: if someone saved any of *these fields* meanwhile, the save is refused, the form comes back
with everything the person typed ("yours") beside what was saved meanwhile, and its version moves
on, so a second press of Save (after checking) goes through. Two people editing different parts of
one row (the goals and the timeline of a case) do not collide.

Why a digest rather than a counter column: it needs no migration on every model, changes only
when these fields change, and cannot be skipped by code that saves the row in another way
(`QuerySet.update()` included). The check runs in `clean()`, with the row read inside a transaction
(SQLite transactions here take the write lock at the start; PostgreSQL locks the row with
`select_for_update`) and is repeated in `save()` for forms saved through the form.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db import models, transaction
from django.http import QueryDict

STALE_MESSAGE = (
    "Someone else saved changes to this page while you were editing it, so your changes are not "
    "saved yet. Nothing you typed is lost: it is still in the form below. Compare it with what "
    "was saved meanwhile, then press Save again to keep your version."
)
FIELD_NAME = "edit_base"


class StaleEdit(Exception):
    """The row changed between the check and the save (a race of a few milliseconds).

    `form` holds both versions, as after a refused check (core.middleware shows them)."""

    def __init__(self, form: EditGuardMixin) -> None:
        super().__init__("The row changed between the check and the save.")
        self.form = form


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    yours: str


def values_version(values: list[Any]) -> str:
    """A short digest of values, in order."""
    text = "\x1f".join(repr(v) for v in values)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def row_version(instance: models.Model, names: list[str]) -> str:
    return values_version([_stored(instance, n) for n in names])


def _stored(instance: models.Model, name: str) -> Any:
    # Only the concrete fields are guarded (EditGuardMixin._guarded).
    field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
    return field.value_from_object(instance)


def _shown(value: Any, field: forms.Field) -> str:
    if value in (None, "", [], {}):
        return "(empty)"
    if isinstance(value, models.Model):
        return str(value)
    choices = getattr(field, "choices", None)
    if choices:
        labels = {str(k): str(v) for k, v in choices if not isinstance(v, (list, tuple))}
        return labels.get(str(value), str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


if TYPE_CHECKING:
    # Checked as the ModelForm it is always mixed into; a plain class when running.
    _FormBase = forms.ModelForm[Any]
else:
    _FormBase = object


class EditGuardMixin(_FormBase):
    """Mix into a ModelForm that edits an existing, shared row (before forms.ModelForm)."""

    stale: bool = False
    differences: list[Difference]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.differences = []
        self.fields[FIELD_NAME] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.instance.pk is not None:
            self.fields[FIELD_NAME].initial = row_version(self.instance, self._guarded())

    def _guarded(self) -> list[str]:
        opts = self.instance._meta
        names = []
        for name in self._meta.fields or []:
            try:
                field = opts.get_field(name)
            except Exception:  # noqa: BLE001, S112 - a form-only field: nothing stored to guard
                continue
            if field.concrete and not field.many_to_many:
                names.append(name)
        return names

    def _current(self) -> models.Model | None:
        model = type(self.instance)
        return model._base_manager.select_for_update().filter(pk=self.instance.pk).first()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        seen = (self.data.get(self.add_prefix(FIELD_NAME)) or "").strip()
        if self.instance.pk is None or not seen:
            return cleaned
        with transaction.atomic():
            current = self._current()
        if current is None:
            return cleaned
        now = row_version(current, self._guarded())
        if now != seen:
            self._compare(current, now, cleaned or {})
            raise forms.ValidationError(STALE_MESSAGE, code="stale")
        return cleaned

    def _compare(self, current: models.Model, now: str, cleaned: dict[str, Any]) -> None:
        """Note what was saved meanwhile beside what was typed, and move the version on."""
        self.stale = True
        for name in self._guarded():
            if name not in self.fields:
                continue
            theirs = _stored(current, name)
            yours = cleaned.get(name, self.data.get(self.add_prefix(name)))
            if isinstance(yours, models.Model):
                yours = yours.pk
            if theirs != yours and not (theirs in (None, "") and yours in (None, "")):
                field = self.fields[name]
                self.differences.append(
                    Difference(
                        label=str(field.label or name),
                        theirs=_shown(theirs, field),
                        yours=_shown(cleaned.get(name, yours), field),
                    )
                )
        # The next Save is made knowing what is stored now.
        # A bound form's data is a QueryDict (or a dict in tests): both copy and take a key.
        data = cast("QueryDict", self.data).copy()
        data[self.add_prefix(FIELD_NAME)] = now
        self.data = data

    def save(self, commit: bool = True) -> Any:
        if not commit or self.instance.pk is None:
            return super().save(commit=commit)
        seen = (self.data.get(self.add_prefix(FIELD_NAME)) or "").strip()
        with transaction.atomic():
            current = self._current()
            now = "" if current is None else row_version(current, self._guarded())
            if seen and current is not None and now != seen:
                self._compare(current, now, self.cleaned_data)
                raise StaleEdit(self)
            return super().save(commit=True)

    def resubmit(self) -> list[tuple[str, str]]:
        """What was typed, with the version moved on, to post again as hidden fields (the page
        for a race of milliseconds, core/stale_edit.html). The page adds its own CSRF token."""
        data = cast("QueryDict", self.data)
        return [
            (key, value)
            for key, values in data.lists()
            if key != "csrfmiddlewaretoken"
            for value in values
        ]
