"""A service under a stop sign gets no packet and no link without an explicit "send anyway"."""

import pytest
from django.urls import reverse

from secondopinion.accounts.models import AuditEvent
from secondopinion.opinions.models import PacketBuild, ShareLink
from tests.providers.factories import make_service


@pytest.fixture
def unnamed(case):
    # They will not name the reviewing doctor: a stop (providers/rules.py).
    return make_service(case, doctor_named="no", doctor_name="")


def url(name, case, service):
    return reverse(f"opinions:{name}", args=[case.public_id, service.public_id])


def test_it_names_the_stop_reason_before_a_packet_is_made(owner_client, case, unnamed):
    page = owner_client.get(url("packet_preview", case, unnamed))
    text = page.content.decode()
    assert "will not tell you the name of the doctor" in text
    assert "send anyway" in text


def test_it_makes_no_packet_without_the_send_anyway_step(owner_client, case, unnamed):
    response = owner_client.post(url("packet_preview", case, unnamed), {})
    assert response.status_code == 400
    assert "Nothing was sent" in response.content.decode()
    assert not PacketBuild.objects.exists()
    assert not AuditEvent.objects.filter(action="send.stop_overridden").exists()


def test_it_makes_the_packet_when_sent_anyway_and_records_it(owner_client, case, unnamed):
    response = owner_client.post(url("packet_preview", case, unnamed), {"send_anyway": "yes"})
    assert response.status_code == 302
    assert PacketBuild.objects.filter(service=unnamed).count() == 1
    event = AuditEvent.objects.get(action="send.stop_overridden")
    assert event.case == case and event.detail == "packet: doctor_not_named"
    assert event.object_id == str(unnamed.public_id)


def test_it_makes_no_link_without_the_send_anyway_step(owner_client, case, unnamed):
    response = owner_client.post(url("link_new", case, unnamed), {"days": 14})
    assert response.status_code == 400
    assert "will not tell you the name of the doctor" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_it_makes_the_link_when_sent_anyway_and_records_it(owner_client, case, unnamed):
    response = owner_client.post(url("link_new", case, unnamed), {"days": 14, "send_anyway": "yes"})
    assert response.status_code == 200 and "/r/" in response.content.decode()
    assert ShareLink.objects.filter(service=unnamed).count() == 1
    assert AuditEvent.objects.get(action="send.stop_overridden").detail == "link: doctor_not_named"


def test_it_asks_nothing_extra_for_a_service_without_a_stop(owner_client, case):
    fine = make_service(case, doctor_name="Ada Moreau")
    page = owner_client.get(url("link_new", case, fine))
    assert "send anyway" not in page.content.decode()
    response = owner_client.post(url("link_new", case, fine), {"days": 14})
    assert response.status_code == 200 and ShareLink.objects.filter(service=fine).exists()
    assert not AuditEvent.objects.filter(action="send.stop_overridden").exists()
