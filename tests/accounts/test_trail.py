import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from secondopinion.accounts.audit import action_words, audit_record
from secondopinion.accounts.models import AuditEvent
from secondopinion.accounts.sharing import membership_invite
from tests.factories import make_user
from tests.records.helpers import make_document

pytestmark = pytest.mark.django_db


def activity_url(case):
    return reverse("sharing:activity", args=[case.public_id])


class Doc:
    """Stands in for a records Document: only its public id goes into the trail."""

    public_id = "3f1e0c0a-0000-4000-8000-000000000001"


def test_it_describes_a_caregiver_download_in_plain_words(owner_client, case, settings):
    settings.TIME_ZONE = "UTC"
    sam = make_user("sam@example.org", display_name="Sam")
    owner_client.post(
        reverse("sharing:page", args=[case.public_id]),
        {"invite-email": sam.email, "invite-role": "viewer"},
    )
    event = audit_record(action="document.downloaded", user=sam, case=case, obj=Doc())
    AuditEvent.objects.filter(pk=event.pk).update(
        at=datetime.datetime(2026, 12, 1, 10, 2, tzinfo=datetime.UTC), ip_address="127.0.0.1"
    )
    page = re.sub(r"<[^>]+>", "", owner_client.get(activity_url(case)).content.decode())
    assert "Sam (caregiver) downloaded a document on Dec 1 at 10:02 from 127.0.0.1." in page
    assert "You shared the case with Sam (can look)" in page


def test_it_names_people_who_left_and_share_link_visitors(owner_client, case, caregiver):
    audit_record(action="document.viewed", user=caregiver, case=case)
    audit_record(action="link.open", case=case)
    owner_client.post(
        reverse("sharing:person", args=[case.public_id, caregiver.public_id]), {"remove": "1"}
    )
    page = owner_client.get(activity_url(case)).content.decode()
    assert "caregiver@example.org (no longer shared) looked at a document" in page
    assert "Someone with a share link opened a share link" in page
    assert "You stopped sharing the case with caregiver@example.org" in page


def test_it_uses_the_same_number_of_queries_for_few_and_many_events(owner_client, case):
    people = [make_user() for _ in range(5)]
    for person in people:
        membership_invite(case=case, email=person.email, role="editor")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(activity_url(case)).status_code == 200
        return len(queries)

    few = count()
    for i in range(40):
        audit_record(action="document.viewed", user=people[i % 5], case=case)
        audit_record(
            action="sharing.role_changed",
            user=case.owner,
            case=case,
            obj=people[i % 5],
            detail="viewer",
        )
    assert count() == few


def test_it_pages_a_long_trail(owner_client, case):
    AuditEvent.objects.bulk_create(
        AuditEvent(action="document.viewed", case=case, at=timezone.now()) for _ in range(120)
    )
    first = owner_client.get(activity_url(case)).content.decode()
    assert "Page 1 of 3" in first
    assert first.count("looked at a document") == 50
    last = owner_client.get(activity_url(case) + "?page=3").content.decode()
    assert last.count("looked at a document") == 20
    assert owner_client.get(activity_url(case) + "?page=junk").status_code == 200


def test_it_keeps_health_details_out_of_sharing_events(owner_client, case, stranger):
    owner_client.post(
        reverse("sharing:page", args=[case.public_id]),
        {"invite-email": stranger.email, "invite-role": "viewer"},
    )
    owner_client.post(reverse("sharing:link_new", args=[case.public_id]), {"link-role": "editor"})
    for event in AuditEvent.objects.all():
        text = " ".join([event.action, event.object_type, event.object_id, event.detail])
        assert case.patient_name not in text
        assert "breast" not in text
        assert stranger.email not in text


def test_it_never_changes_a_written_event(case):
    event = audit_record(action="document.viewed", case=case)
    event.detail = "edited"
    with pytest.raises(ValueError, match="never changed"):
        event.save()


def test_it_shows_unknown_actions_in_readable_words():
    assert action_words("records.cd_imported") == "records cd imported"
    assert action_words("sharing.added", target="Sam", detail="editor") == (
        "shared the case with Sam (can look and change)"
    )


def test_it_records_a_caregiver_looking_at_and_downloading_a_document(
    owner_client, case, caregiver
):
    document = make_document(case, content=b"%PDF-1.4 body", name="scan-report.pdf")
    carer = Client()
    carer.force_login(caregiver)
    carer.get(reverse("records:document_detail", args=[case.public_id, document.public_id]))
    response = carer.get(
        reverse("records:document_download", args=[case.public_id, document.public_id])
    )
    # Reading the stream closes the response as a server would. A second close() would fire
    # request_finished again and, on PostgreSQL, drop the test transaction.
    b"".join(response.streaming_content)
    events = AuditEvent.objects.filter(user=caregiver, case=case).order_by("id")
    assert [e.action for e in events] == ["document.viewed", "document.downloaded"]
    assert all(e.object_id == str(document.public_id) for e in events)
    assert all("scan-report" not in e.detail for e in events)
    page = owner_client.get(activity_url(case)).content.decode()
    assert "caregiver@example.org (caregiver) downloaded a document" in page
    assert "caregiver@example.org (caregiver) looked at a document" in page
