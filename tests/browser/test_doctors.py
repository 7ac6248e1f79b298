"""A patient looks up the reviewing doctor, picks the right one of three namesakes, adds a note.

The registries are served by respx inside this process (the live server runs in a thread of it),
so the page's background lookup never touches the network.
"""

import pytest

from tests.doctors.conftest import (  # noqa: F401 - fixtures shared with the doctors tests
    api,
    load,
    registries,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_researches_a_doctor_and_remembers_the_choice(
    page,
    new_user,
    create_case,
    axe_check,
    shot,
    registries,  # noqa: F811
):
    registries.npi_body = load("nppes_several.json")
    new_user(page)
    create_case(page)

    page.get_by_role("navigation").get_by_role("link", name="Doctor research").click()
    page.get_by_role("heading", name="Research the reviewing doctor").wait_for()
    axe_check(page)
    page.get_by_label("Doctor's full name").fill("Jane Smith")
    page.get_by_label("State (optional)").fill("ma")
    page.get_by_role("button", name="Look up this doctor").click()

    page.get_by_role("heading", name="What the public record shows").wait_for()
    assert page.get_by_text("Found 31 PubMed articles on breast cancer since").is_visible()
    assert page.get_by_text("3 doctors with this name are in the NPI registry in MA").is_visible()
    axe_check(page)
    shot(page, "doctors-01-card-with-namesakes")

    page.get_by_label("Internal Medicine, Medical Oncology", exact=False).check()
    page.get_by_role("button", name="Save my choice").click()
    page.get_by_text("Saved your choice").wait_for()
    assert page.get_by_text("doctors with this name are in the NPI registry").count() == 0
    assert page.get_by_label("Internal Medicine, Medical Oncology", exact=False).is_checked()

    page.get_by_label("What kind of note").select_option(label="Board certification")
    page.get_by_label("What you found").fill("Certified by the oncology board in 2015")
    page.get_by_role("button", name="Add the note").click()
    page.get_by_text("Your note is saved.").wait_for()
    assert page.get_by_text("Certified by the oncology board in 2015").is_visible()
    axe_check(page)
    shot(page, "doctors-02-chosen-with-note")
