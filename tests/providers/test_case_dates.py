"""Date conflicts on the dashboard and the timeline page; extending a share link is logged."""

import datetime

from django.urls import reverse
from django.utils import timezone

from secondopinion.accounts.models import AuditEvent
from tests.opinions.factories import make_link
from tests.providers.factories import make_service


def test_it_shows_a_treatment_start_after_the_safe_date_where_it_is_set(owner_client, case):
    today = timezone.localdate()
    case.safe_to_wait_until = today + datetime.timedelta(days=10)
    case.planned_treatment_start = today + datetime.timedelta(days=12)
    case.save()
    for name in ("cases:detail", "cases:timeline"):
        page = owner_client.get(reverse(name, args=[case.public_id])).content.decode()
        assert "Dates that do not agree" in page
        assert "treatment_after_safe_date" in page


def test_it_offers_to_extend_a_short_link_and_logs_the_extension(owner_client, case):
    service = make_service(case, doctor_name="Ada Moreau", turnaround_days=14)
    link, _ = make_link(case, service=service)
    page = owner_client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "link_expires_before_report" in page and "Extend the link" in page
    owner_client.post(reverse("providers:link_extend", args=[case.public_id, link.public_id]))
    link.refresh_from_db()
    needed = timezone.localdate() + datetime.timedelta(days=14 + 7)
    assert timezone.localtime(link.expires_at).date() == needed
    assert AuditEvent.objects.filter(action="share_link.extended", case=case).exists()
    page = owner_client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "link_expires_before_report" not in page


def test_a_stranger_cannot_extend_a_link(client, stranger, case):
    service = make_service(case, turnaround_days=14)
    link, _ = make_link(case, service=service)
    client.force_login(stranger)
    url = reverse("providers:link_extend", args=[case.public_id, link.public_id])
    assert client.post(url).status_code == 404


def test_it_shows_a_call_booked_after_the_safe_date_on_the_service_page(owner_client, case):
    today = timezone.localdate()
    case.safe_to_wait_until = today + datetime.timedelta(days=3)
    case.save()
    service = make_service(case, call_at=timezone.now() + datetime.timedelta(days=6))
    page = owner_client.get(
        reverse("providers:detail", args=[case.public_id, service.public_id])
    ).content.decode()
    assert "call_after_safe_date" in page
