"""Every create, update and delete of a project row, written to the audit trail.

One mechanism for every app: Django's `post_init`, `post_save` and `post_delete` signals, connected
once (from `AccountsConfig.ready()`) for every model of a `secondopinion.*` app. Why signals and
not a model mixin or a wrapper around each write function: a mixin must be added to every model
and a wrapper to every write, and the one forgotten is the gap in the trail; signals see every
`save()` and `delete()`, of every model, written today or later, including deletions that cascade.
They carry no business logic here (STYLE.md's warning): they only note what happened.

What a row says: who (the signed-in person and address of the request, set by the
`audit_actor` middleware in a context variable; "the app" for the background worker and the
commands; "someone with a share link" for the reviewer's pages), when, what kind of object, and
for a change the *names* of the fields that changed, never their values.

Changes are collected per transaction and written once it commits (`transaction.on_commit`), so
a rolled-back request leaves no line, several saves of one object in one request make one line,
and the rows of a deleted case (which the trail no longer shows) are left out. `QuerySet.update()`
and `bulk_create()` send no signals: they are used for progress counters and for the rows a CD
import writes in batches (the import itself is recorded).

Left out, by these explicit lists (documented in docs/accounts.md):
- `EXCLUDED_MODELS`: the trail itself and the share link's own visit log (already in the trail);
  apps outside the project (sessions, django-axes sign-in attempts, the task queue's job rows,
  django-otp's devices) are never connected.
- `NOISE_FIELDS`: fields that move on their own (progress counters, heartbeats, last sign-in
  time, the two-factor throttle); a save that changes only these makes no line.
"""

from __future__ import annotations

import contextvars
import copy
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_init, post_save
from django.http import HttpRequest

from secondopinion.accounts.models import AuditEvent

CREATED, CHANGED, DELETED = "record.created", "record.changed", "record.deleted"
PROJECT_PREFIX = "secondopinion."

# core.job: the background job lifecycle's own bookkeeping (Try again is audited as job.retried).
EXCLUDED_MODELS = {"accounts.auditevent", "opinions.linkevent", "core.job"}
# Fields that change by themselves while work runs, or on every sign-in: never worth a line.
NOISE_FIELDS: dict[str, set[str]] = {
    "*": {"heartbeat_at", "heartbeat", "attempts", "updated_at"},
    "accounts.user": {"last_login", "session_token"},
    "accounts.recoverycodedevice": {
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "last_used_at",
    },
    "records.discimport": {"bytes_done", "bytes_total", "status", "finished_at", "summary"},
    "records.document": {"text_pages_done", "text_pages_total"},
    "opinions.packetbuild": {"bytes_done", "bytes_total", "status", "finished_at"},
}


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    ip: str | None = None
    kind: str = "system"  # "person", "link" (a share-link visitor) or "system"


SYSTEM = Actor()
_actor: contextvars.ContextVar[Actor] = contextvars.ContextVar("audit_actor", default=SYSTEM)
_batch: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("audit_batch", default=None)
# Objects an explicit audit_record call already named in this request ("added a document"): their
# create and delete lines would only repeat it.
_named: contextvars.ContextVar[frozenset] = contextvars.ContextVar(
    "audit_named", default=frozenset()
)


def actor_for(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    ip = request.META.get("REMOTE_ADDR")
    if user is not None and user.is_authenticated:
        return Actor(user_id=user.pk, ip=ip, kind="person")
    kind = "link" if request.path.startswith("/share/") else "person"
    return Actor(ip=ip, kind=kind)


def actor_set(actor: Actor) -> contextvars.Token:
    _named.set(frozenset())
    return _actor.set(actor)


def actor_reset(token: contextvars.Token) -> None:
    _actor.reset(token)
    _named.set(frozenset())


def object_named(object_type: str, object_id: str) -> None:
    """An explicit audit line was written for this object (see audit.audit_record)."""
    _named.set(_named.get() | {(object_type, object_id)})


@dataclass
class _Change:
    kind: str
    model: type[models.Model]
    object_id: str
    case_id: int | None
    actor: Actor
    fields: set[str] = field(default_factory=set)


@dataclass
class _Batch:
    """The changes of one transaction, until it commits."""

    changes: dict[tuple[str, object], _Change] = field(default_factory=dict)
    index: int = -1  # where its latest on_commit callback sits in connection.run_on_commit
    flushed: bool = False

    def flush(self) -> None:
        if self.flushed:  # each change registered the callback; the first one writes them all
            return
        self.flushed = True
        if _batch.get() is self:
            _batch.set(None)
        buffer = _request_changes.get()
        if buffer is None:  # the worker, a command: written at once
            _write(self.changes, named=frozenset())
            return
        for key, change in self.changes.items():  # a request: written when it ends
            _merge(buffer, key, change)


# A request's committed changes, written by `request_changes_write` when the request ends, so
# that the explicit lines written after a save ("added a document") are known by then.
_request_changes: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "audit_request_changes", default=None
)


def request_changes_start() -> contextvars.Token:
    return _request_changes.set({})


def request_changes_write(token: contextvars.Token) -> None:
    changes = _request_changes.get() or {}
    _request_changes.reset(token)
    _write(changes, named=_named.get())


def _merge(changes: dict, key: tuple[str, object], change: _Change) -> None:
    seen = changes.get(key)
    if seen is None:
        changes[key] = change
    elif seen.kind == CREATED and change.kind == CHANGED:
        return  # created in this request: "created" says it
    elif seen.kind == CREATED and change.kind == DELETED:
        del changes[key]  # made and removed again: nothing to tell
    elif change.kind == CHANGED:
        seen.fields |= change.fields
    else:
        changes[key] = change


def _write(changes: dict, *, named: frozenset) -> None:
    rows = [
        c
        for c in changes.values()
        if c.kind == CHANGED or (c.model.__name__, c.object_id) not in named
    ]
    if not rows:
        return
    gone = {c.case_id for c in rows if c.kind == DELETED and c.case_id}
    if gone:
        # A foreign key names a model class, never "self" here.
        case_model = cast("type[models.Model]", AuditEvent._meta.get_field("case").related_model)
        gone -= set(case_model._default_manager.filter(pk__in=gone).values_list("pk", flat=True))
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=c.kind,
                user_id=c.actor.user_id,
                case_id=c.case_id,
                object_type=c.model.__name__,
                object_id=c.object_id[:64],
                ip_address=c.actor.ip,
                actor="" if c.actor.kind == "person" else c.actor.kind,
                detail=", ".join(sorted(c.fields))[:200],
            )
            for c in rows
            # The rows of a deleted case: its own "deleted the case" line says it all.
            if c.case_id not in gone
        ]
    )


def _current_batch() -> _Batch:
    """The open transaction's batch, with its flush registered (again) after this change.

    Registering once per change costs a list entry, and keeps every change behind a callback
    registered after it: a savepoint rolled back drops the callbacks made inside it, and a batch
    whose latest callback is gone is left for a new one.
    """
    callbacks = connection.run_on_commit
    batch = _batch.get()
    if (
        batch is None
        or batch.flushed
        or batch.index >= len(callbacks)
        or callbacks[batch.index][1] != batch.flush
    ):
        batch = _Batch()
        _batch.set(batch)
    transaction.on_commit(batch.flush)
    batch.index = len(connection.run_on_commit) - 1
    return batch


# --- which models, which case -------------------------------------------------------------


def _audited(model: type[models.Model]) -> bool:
    meta = model._meta
    return (
        not meta.abstract
        and not meta.proxy
        and meta.app_config is not None
        and meta.app_config.name.startswith(PROJECT_PREFIX)
        and meta.label_lower not in EXCLUDED_MODELS
    )


_CASE_PATHS: dict[str, str | None] = {}


def _case_path(model: type[models.Model]) -> str | None:
    """The attribute leading to the case: "self" for the case, "case_id", or "study" (a
    foreign key whose row has a case), found once per model."""
    label = model._meta.label_lower
    if label not in _CASE_PATHS:
        case_model = AuditEvent._meta.get_field("case").related_model
        path = None
        if model is case_model:
            path = "self"
        else:
            for f in model._meta.concrete_fields:
                if f.many_to_one and f.related_model is case_model:
                    path = f.attname
                    break
            else:
                for f in model._meta.concrete_fields:
                    if f.many_to_one and _has_case(f.related_model, case_model):
                        path = f.name
                        break
        _CASE_PATHS[label] = path
    return _CASE_PATHS[label]


def _has_case(model, case_model) -> bool:
    return any(f.many_to_one and f.related_model is case_model for f in model._meta.concrete_fields)


def _case_id(instance: models.Model) -> int | None:
    path = _case_path(type(instance))
    if path is None:
        return None
    if path == "self":
        return instance.pk
    if path.endswith("_id"):
        return getattr(instance, path)
    try:
        parent = getattr(instance, path)
    except models.ObjectDoesNotExist:
        return None
    return getattr(parent, "case_id", None) if parent is not None else None


def _object_id(instance: models.Model) -> str:
    return str(getattr(instance, "public_id", "") or instance.pk or "")


# --- the signals ---------------------------------------------------------------------------

_SNAPSHOT = "_audit_loaded"


def _values(instance: models.Model) -> dict[str, object]:
    loaded = instance.__dict__
    return {
        f.attname: copy.deepcopy(loaded[f.attname])
        if isinstance(loaded[f.attname], (dict, list))
        else loaded[f.attname]
        for f in instance._meta.concrete_fields
        if f.attname in loaded
    }


def _noise(model: type[models.Model]) -> set[str]:
    return NOISE_FIELDS["*"] | NOISE_FIELDS.get(model._meta.label_lower, set())


def _changed_fields(instance: models.Model, update_fields) -> set[str]:
    before = getattr(instance, _SNAPSHOT, None)
    now = _values(instance)
    if before is None:
        names = set(update_fields) if update_fields else set(now)
    else:
        names = {name for name, value in now.items() if name in before and before[name] != value}
        if update_fields:
            # save() takes concrete fields only in update_fields, so each one has an attname.
            names &= {_concrete(instance, n).attname for n in update_fields}
    names_by_attname = {f.attname: f.name for f in instance._meta.concrete_fields}
    return {names_by_attname.get(n, n) for n in names}


def _concrete(instance: models.Model, name: str) -> models.Field[Any, Any]:
    return cast("models.Field[Any, Any]", instance._meta.get_field(name))


def _on_init(sender, instance, **kwargs) -> None:
    if instance.pk is not None:
        instance.__dict__[_SNAPSHOT] = _values(instance)


def _note(instance: models.Model, kind: str, fields: set[str]) -> None:
    model = type(instance)
    change = _Change(
        kind=kind,
        model=model,
        object_id=_object_id(instance),
        case_id=_case_id(instance),
        actor=_actor.get(),
        fields=fields,
    )
    key = (model._meta.label_lower, instance.pk)
    if not connection.in_atomic_block:  # autocommit: the change is already committed
        _Batch(changes={key: change}).flush()
        return
    _merge(_current_batch().changes, key, change)


def _on_save(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loading a backup or fixtures, not a change anyone made
        return
    if created:
        _note(instance, CREATED, set())
    else:
        fields = _changed_fields(instance, update_fields) - _noise(sender)
        if fields:
            _note(instance, CHANGED, fields)
    instance.__dict__[_SNAPSHOT] = _values(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    _note(instance, DELETED, set())


def changes_connect() -> None:
    """Connect the signals for every project model (called once from AccountsConfig.ready)."""
    for model in apps.get_models():
        if _audited(model):
            uid = f"audit-{model._meta.label_lower}"
            post_init.connect(_on_init, sender=model, dispatch_uid=f"{uid}-init")
            post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}-delete")


def audited_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if _audited(m)]


# --- plain words for the trail ---------------------------------------------------------------

# What each kind of row is called on the trail, where the model's own name is not plain enough.
THING_WORDS = {
    "Case": "the case",
    "CaseMembership": "a caregiver's access",
    "CaseInvite": "an invite link",
    "User": "an account",
    "RecoveryCodeDevice": "the recovery codes",
    "RecoveryCode": "a recovery code",
    "Service": "a service",
    "Document": "a document",
    "DiscImport": "an imaging CD import",
    "ImagingStudy": "an imaging study",
    "ImagingSeries": "a series of scan images",
    "ImagingInstance": "a scan image",
    "PacketBuild": "a records packet",
    "ShareLink": "a share link",
    "Opinion": "a second opinion",
    "Decision": "the decision",
    "PatientQuestion": "a question",
    "Handoff": "the summary for the local doctor",
}
KIND_WORDS = {CREATED: "added", CHANGED: "changed", DELETED: "deleted"}


def _models_by_name() -> dict[str, type[models.Model]]:
    return {m.__name__: m for m in audited_models()}


def _field_words(model: type[models.Model] | None, name: str) -> str:
    if model is not None:
        try:
            label = str(getattr(model._meta.get_field(name), "verbose_name", ""))
        except Exception:  # noqa: BLE001 - a field removed since: its name is enough
            label = ""
        if label and len(label) <= 40 and not label.endswith("?"):
            return label.lower()
    return name.replace("_", " ")


def change_words(action: str, object_type: str, detail: str) -> str:
    """ "changed a service (cost, doctor's name)", from the kind, the model and field names."""
    model = _models_by_name().get(object_type)
    thing = THING_WORDS.get(object_type)
    if thing is None:
        name = str(model._meta.verbose_name) if model is not None else object_type.lower()
        thing = f"{'an' if name[:1] in 'aeiou' else 'a'} {name}"
    words = f"{KIND_WORDS.get(action, 'changed')} {thing}"
    if action == CHANGED and detail:
        fields = [_field_words(model, n.strip()) for n in detail.split(",") if n.strip()]
        words += f" ({', '.join(fields)})"
    return words
