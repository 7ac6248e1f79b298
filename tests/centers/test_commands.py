"""The `centers` search command and the all-or-nothing `centers_load` reload."""

import json

import pytest
from django.core.management import CommandError, call_command

from secondopinion.centers.directory import BUNDLED_CSV
from secondopinion.centers.models import Center
from tests.providers.factories import make_service

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("directory")]


def test_it_lists_new_york_centers_as_json_nearest_first(capsys):
    call_command("centers", "--zip", "10065", "--radius-miles", "50", "--json")
    out = json.loads(capsys.readouterr().out)
    miles = [c["miles"] for c in out["centers"]]
    assert out["place"] == "New York, NY"
    assert miles == sorted(miles) and max(miles) <= 50
    assert out["centers"][0]["city"] == "New York"
    assert "Memorial Sloan Kettering Cancer Center" in {c["name"] for c in out["centers"]}


def test_it_prints_a_plain_list(capsys):
    call_command("centers", "--zip", "02115", "--radius-miles", "300", "--remote-only")
    out = capsys.readouterr().out
    assert out.startswith("7 centers within 300 miles of 02115 (Boston, MA)")


@pytest.mark.parametrize("zip_code", ["00000", "12"])
def test_it_fails_on_an_unknown_zip(zip_code):
    with pytest.raises(CommandError, match="ZIP"):
        call_command("centers", "--zip", zip_code)


def test_it_refuses_a_bad_radius():
    with pytest.raises(CommandError, match="miles"):
        call_command("centers", "--zip", "02115", "--radius-miles", "-3")


def _edited_csv(tmp_path, old: str, new: str):
    text = BUNDLED_CSV.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "centers.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_it_refuses_a_bad_file_whole_and_keeps_the_directory(tmp_path, case):
    service = make_service(case, center=Center.objects.get(city="Boston"), name="My DF inquiry")
    before = list(Center.objects.values_list("key", "name", "state"))
    # A good change on line 2 and a bad state further down: neither is applied.
    path = _edited_csv(tmp_path, "O'Neal Comprehensive", "Renamed")
    path.write_text(path.read_text().replace(",Tucson,AZ,", ",Tucson,ZZ,"), encoding="utf-8")
    with pytest.raises(CommandError, match="line 3: state 'ZZ'"):
        call_command("centers_load", "--file", str(path))
    assert list(Center.objects.values_list("key", "name", "state")) == before
    service.refresh_from_db()
    assert service.name == "My DF inquiry"


def test_it_refuses_a_file_with_a_missing_column(tmp_path):
    path = _edited_csv(tmp_path, ",verified_on\n", "\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("centers_load", "--file", str(path))


def test_it_reloads_an_updated_file_without_touching_services(tmp_path, case, capsys):
    boston = Center.objects.get(city="Boston")
    service = make_service(case, center=boston, name="My DF inquiry", doctor_name="Dr. Kept")
    path = _edited_csv(
        tmp_path, "Dana-Farber/Harvard Cancer Center,", "Dana-Farber Cancer Institute,"
    )
    call_command("centers_load", "--file", str(path))
    assert "1 added" in capsys.readouterr().out  # a new name is a new key
    boston.refresh_from_db()
    assert boston.listed is False  # old row kept for the service, out of search
    service.refresh_from_db()
    assert (service.center_id, service.name, service.doctor_name) == (
        boston.pk,
        "My DF inquiry",
        "Dr. Kept",
    )


def test_it_says_when_the_file_is_missing(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("centers_load", "--file", str(tmp_path / "nope.csv"))


def test_its_json_lists_phone_numbers_where_the_directory_has_them(capsys):
    call_command("centers", "--zip", "02215", "--json")
    centers = json.loads(capsys.readouterr().out)["centers"]
    with_phone = [c for c in centers if c["phone"]]
    assert with_phone and all(c["phone"].startswith("+1-") for c in with_phone)
    assert all(c["phone_source"] for c in with_phone)
    assert any(c["phone"] is None for c in centers)  # unknown stays unknown, never made up
    assert any(c["second_opinion_phone"] for c in centers)
