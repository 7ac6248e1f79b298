"""Every POST that changes data leaves a line in the audit trail.

The walk is the access walk's (tests/test_access.py): every object URL of the real URL
configuration. As the owner, each URL is posted empty, then with every form of its own page as a
browser would send it unchanged (which saves most edit forms). Whenever any row of a project model
changed (a digest of every audited table, without the fields accounts/changes.py counts as noise),
the trail must have grown.
"""

from __future__ import annotations

import pytest
from django.urls import resolve

from secondopinion.accounts.changes import NOISE_FIELDS, audited_models
from secondopinion.accounts.models import AuditEvent
from tests.formdata import post_forms
from tests.test_access import URLS, _makers, _url


def _tables() -> dict[str, list[tuple]]:
    state = {}
    for model in audited_models():
        noise = NOISE_FIELDS["*"] | NOISE_FIELDS.get(model._meta.label_lower, set())
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in noise]
        state[model._meta.label_lower] = list(
            model._default_manager.order_by("pk").values_list(*fields)
        )
    return state


def _changed(before: dict, after: dict) -> list[str]:
    return [label for label in after if before.get(label) != after[label]]


def _attempts(client, url: str) -> list[dict]:
    attempts: list[dict] = [{}]
    page = client.get(url)
    if page.status_code == 200 and "text/html" in page.get("Content-Type", ""):
        html = page.content.decode()
        attempts += [form.data for form in post_forms(html) if form.action in ("", url)]
    return attempts


def test_the_walk_covers_edit_forms():
    names = {name for name, _ in URLS}
    assert {"providers:edit", "cases:edit", "opinions:opinion_edit"} <= names


@pytest.mark.parametrize(("name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_every_post_that_changes_data_leaves_an_audit_row(
    client, case, name, kwargs, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        url = _url(name, kwargs, case, _makers())
    assert resolve(url)
    client.force_login(case.owner)
    for data in _attempts(client, url):
        before, lines = _tables(), AuditEvent.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, data)
        changed = _changed(before, _tables())
        if changed:
            assert AuditEvent.objects.count() > lines, (
                f"POST {url} changed {changed}, no audit line"
            )
