import json
from io import StringIO

import pytest
from django.core.management import call_command

from secondopinion.cases.cancer_types import CANCER_TYPES, cancer_type
from secondopinion.cases.models import Case
from tests.providers.factories import make_service


@pytest.mark.django_db
def test_demo_creates_a_fictional_case_once(capsys):
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    case = Case.objects.get()
    assert "fictional" in case.patient_name
    assert case.owner.is_demo


@pytest.mark.django_db
def test_cases_lists_ids_that_commands_take(case):
    out = StringIO()
    call_command("cases", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows == [
        {
            "id": str(case.public_id),
            "patient": "Olive Owner",
            "cancer": "Breast cancer",
            "owner": "owner@example.org",
            "safe_to_wait_until": None,
            "services": [],
        }
    ]


@pytest.mark.django_db
def test_cases_lists_each_service_id_for_packet_build(case):
    service = make_service(case, name="Lakeside")
    out = StringIO()
    call_command("cases", stdout=out)
    assert f"service {service.public_id}  Lakeside" in out.getvalue()


def test_the_cancer_list_is_long_enough_and_carries_mesh_headings():
    assert len(CANCER_TYPES) >= 31
    assert all(c.mesh for c in CANCER_TYPES if c.code != "other")
    assert cancer_type("breast").mesh == "Breast Neoplasms"
    with pytest.raises(KeyError, match="Unknown cancer type"):
        cancer_type("unicorn")
