"""The bundled directory and the whole-file validation of directory CSVs."""

import csv
import io
from datetime import date

import pytest

from secondopinion.centers.directory import (
    ACCESS_LABELS,
    BASIC,
    BUNDLED_CSV,
    REQUIRED_COLUMNS,
    DirectoryError,
    bundled_centers,
    center_key,
    directory_parse,
    directory_read,
)


def _csv(rows: list[dict[str, str]], columns=REQUIRED_COLUMNS) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _row(**overrides: str) -> dict[str, str]:
    row = {
        "name": "Test Cancer Center",
        "parent_institution": "Test University",
        "designation": "Comprehensive Cancer Center",
        "city": "Boston",
        "state": "MA",
        "website": "example.org",
        "remote_second_opinion": "yes",
        "remote_access": "direct",
        "remote_second_opinion_url": "",
        "latitude": "42.35",
        "longitude": "-71.07",
        "notes": "a note",
        "source": "a source",
        "verified_on": "2026-11-29",
    }
    row.update(overrides)
    return row


def test_it_ships_every_center_with_a_row_per_mayo_campus():
    centers = bundled_centers()
    assert len(centers) == 75  # 73 designations, Mayo Clinic counted once per campus (3)
    mayo = sorted((c.city, c.state) for c in centers if c.name.startswith("Mayo Clinic"))
    assert mayo == [("Jacksonville", "FL"), ("Phoenix", "AZ"), ("Rochester", "MN")]
    assert len({c.key for c in centers}) == 75
    assert sum(1 for c in centers if c.designation == BASIC) == 7


def test_it_keeps_source_notes_and_a_verified_date_on_every_row():
    for center in bundled_centers():
        assert center.source and center.notes
        assert center.verified_on == date(2026, 11, 29)


def test_it_marks_labs_as_not_seeing_patients():
    lab = next(c for c in bundled_centers() if c.name.startswith("Salk"))
    assert not lab.sees_patients
    assert "does not see patients" in lab.designation_label


def test_it_shows_unknown_remote_programs_as_ask_them_never_no():
    unknown = next(c for c in bundled_centers() if c.remote_second_opinion == "unknown")
    assert unknown.remote_label == "Not known: ask them"
    assert not unknown.remote_label.lower().startswith("no ")


def test_it_explains_every_access_tag_in_plain_words():
    city_of_hope = next(c for c in bundled_centers() if c.name.startswith("City of Hope"))
    assert any("benefits office" in text for text in city_of_hope.access_explained)
    assert set(ACCESS_LABELS) == {
        "direct",
        "benefit",
        "physician",
        "international",
        "network",
        "limited",
        "unverified",
    }


def test_it_turns_bare_domains_into_links():
    assert bundled_centers()[0].website_url.startswith("https://")


def test_it_parses_a_good_file():
    centers = directory_parse(_csv([_row(), _row(city="Cambridge")]))
    assert [c.city for c in centers] == ["Boston", "Cambridge"]
    assert centers[0].remote_access == ("direct",)
    assert centers[0].key == center_key("Test Cancer Center", "Boston", "MA")


def test_it_refuses_a_file_with_a_missing_column():
    columns = [c for c in REQUIRED_COLUMNS if c != "latitude"]
    with pytest.raises(DirectoryError) as err:
        directory_parse(_csv([_row()], columns=columns))
    assert err.value.problems == [(1, "missing column(s): latitude")]


@pytest.mark.parametrize(
    ("overrides", "needle"),
    [
        ({"designation": "Great Cancer Center"}, "designation"),
        ({"state": "ZZ"}, "state"),
        ({"remote_second_opinion": "maybe"}, "remote_second_opinion"),
        ({"remote_access": "direct;magic"}, "magic"),
        ({"remote_second_opinion": "unknown", "remote_access": "direct"}, "only allowed"),
        ({"latitude": "north"}, "latitude"),
        ({"longitude": "10.0"}, "outside the United States"),
        ({"latitude": "nan"}, "outside the United States"),
        ({"verified_on": "29/11/2026"}, "verified_on"),
        ({"name": ""}, "'name' is empty"),
    ],
)
def test_it_refuses_the_whole_file_naming_the_bad_line(overrides, needle):
    text = _csv([_row(), _row(city="Cambridge", **overrides)])
    with pytest.raises(DirectoryError) as err:
        directory_parse(text)
    lines = {line for line, _ in err.value.problems}
    assert lines == {3}
    assert needle in str(err.value)
    assert "line 3" in str(err.value)


def test_it_counts_lines_of_multi_line_notes():
    text = _csv([_row(notes="first line\nsecond line"), _row(city="Cambridge", state="XX")])
    with pytest.raises(DirectoryError) as err:
        directory_parse(text)
    assert err.value.problems[0][0] == 4


def test_it_refuses_duplicate_rows():
    with pytest.raises(DirectoryError, match="same center and city as line 2"):
        directory_parse(_csv([_row(), _row()]))


def test_it_refuses_rows_with_too_few_fields():
    text = _csv([_row()]) + "Short Row,Only\n"
    with pytest.raises(DirectoryError, match="line 3: wrong number of fields"):
        directory_parse(text)


def test_it_refuses_an_empty_file():
    with pytest.raises(DirectoryError, match="no centers"):
        directory_parse(_csv([]))


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "centers.csv"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DirectoryError, match="not UTF-8"):
        directory_read(path)


def test_it_reads_the_bundled_file_from_disk():
    assert len(directory_read(BUNDLED_CSV)) == 75


def test_it_ships_the_phone_numbers_of_the_updated_directory():
    centers = bundled_centers()
    assert sum(1 for c in centers if c.phone) >= 20
    assert all(c.phone_source for c in centers if c.phone or c.second_opinion_phone)
    dana = next(c for c in centers if c.phone and c.phone_uri)
    assert dana.phone_uri == "tel:" + dana.phone.replace("-", "")


def test_a_file_without_phone_columns_still_loads():
    [center] = directory_parse(_csv([_row()]))
    assert (center.phone, center.phone_uri) == ("", "")


@pytest.mark.parametrize("bad", ["617-555-0100", "+1 617 555 0100", "call us"])
def test_it_refuses_a_phone_number_it_cannot_dial(bad):
    columns = (*REQUIRED_COLUMNS, "phone")
    with pytest.raises(DirectoryError, match="phone"):
        directory_parse(_csv([_row(phone=bad)], columns=columns))
