"""The first hour, as a new patient and then her caregiver live it, on a laptop and on a phone.

One walk per screen size (1200 px and 390 px): sign up, the first page, the case with her full
identity, the message to her doctor, a service, a CD and a report in the vault, the checklist,
specialists near her home (the map, its numbers, phones), her scans in the viewer, the request
letter and question list as PDFs, a doctor lookup a source did not answer, the
comparison, the reviewer's link with a wrong passcode, and the caregiver's invite. Every page is
checked with axe and photographed (test-artifacts/first-hour-<size>-NN-*.png).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from secondopinion.cases.models import Case
from secondopinion.doctors.models import DoctorNote, ResearchStatus
from secondopinion.records.imports import disc_import_run, disc_import_start
from tests.browser.conftest import PASSWORD
from tests.browser.mapchecks import map_first, numbers_on_their_dots, phones_as_links
from tests.centers.helpers import ensure_directory
from tests.doctors.access_makers import make_research
from tests.opinions.factories import make_build, make_link
from tests.providers.factories import make_service
from tests.records.helpers import make_document, small_cd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
BRITISH = re.compile(
    r"\b(tumour|organis|specialis(?:e[sd]?|ing)\b|colour|favour|licence|travelling)", re.I
)


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def plain_text(page) -> str:
    return page.locator("main").inner_text()


@pytest.mark.parametrize("size", SIZES)
def test_the_first_hour_of_a_new_patient_and_her_caregiver(  # noqa: PLR0915 - one story
    new_context, live_server, new_user, axe_check, shot, tmp_path, size
):
    viewport = SIZES[size]
    n = iter(range(1, 100))

    def look(page, name: str) -> None:
        axe_check(page)
        no_sideways_scroll(page, viewport["width"])
        assert not BRITISH.search(plain_text(page)), page.url
        shot(page, f"first-hour-{size}-{next(n):02d}-{name}")

    context = new_context(accept_downloads=True, viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()

    # 8. Before the first case: five lines and one button.
    new_user(page, "ana@example.org")
    lines = page.locator("#first-page li")
    assert lines.count() == 5
    assert "never gives medical advice" in plain_text(page)
    # Where her records live: the data folder on her computer, or the organization's server.
    where = "server of the organization" if settings.HOSTED else "in the folder"
    assert where in plain_text(page)
    look(page, "first-page")
    page.get_by_role("link", name="Start my case").click()

    # 4. The case, with what a reviewer needs to know who she is.
    assert "to be sure the records are yours" in plain_text(page)
    page.get_by_label("Patient's name").fill("Ana")
    page.get_by_label("Full legal name").fill("Ana María Ruiz Torres")
    page.get_by_label("Date of birth").fill("1958-02-11")
    page.locator("#id_patient_phone").fill("808-555-0142")
    page.get_by_label("Mailing address").fill("41 Palm Lane\nHilo, HI 96720")
    page.get_by_label("Type of cancer").select_option(label="Breast cancer")
    page.get_by_label("Doctor's name").fill("Dr. Alan Reyes")
    page.get_by_label("Practice, hospital or clinic").fill("Hilo Oncology Clinic")
    page.locator("#id_doctor_phone").fill("808-555-0100")
    page.get_by_label("Fax").fill("808-555-0101")
    look(page, "case-form")
    page.get_by_role("button", name="Create the case").click()
    page.get_by_role("heading", name="Your second opinion, step by step").wait_for()
    case = Case.objects.get(legal_name="Ana María Ruiz Torres")
    base = f"/cases/{case.public_id}"
    look(page, "dashboard")

    # 1. The message to her own doctor says "Dr." once.
    page.goto(base + "/timeline/")
    message = page.locator("#wait-message").input_value()
    assert message.startswith("Dear Dr. Alan Reyes,") and "Dr. Dr." not in page.content()
    assert page.get_by_text("Message to Dr. Alan Reyes").is_visible()
    look(page, "timeline")

    # 3. Specialists near her home in Hilo: the map first, the list's numbers on its dots, the
    # nearest ten and then the rest, and phone numbers she can tap.
    ensure_directory()  # an earlier browser test's flush removes the directory's data
    page.goto(f"/centers/?case={case.public_id}")
    page.get_by_role("textbox", name="Your ZIP code").fill("96720")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="near 96720").wait_for()
    assert page.locator(".center-results > li").count() == 10
    assert "University of Hawaii" in page.locator(".center-results > li").first.inner_text()
    assert page.get_by_role("link", name=re.compile(r"^Show \d+ more centers$")).is_visible()
    map_first(page, viewport)
    numbers_on_their_dots(page, viewport, 10)
    phones_as_links(page)
    look(page, "find-specialists")

    # A service, a CD of 5 images (one study) and a report in the vault (set up directly).
    service = make_service(
        case,
        name="Lakeside Second Opinions",
        doctor_name="Ada Moreau, MD",
        records_needed=["imaging_studies", "pathology_report", "lab_results"],
        turnaround_days=10,
    )
    make_service(case, name="Harbor Review", turnaround_days=21)
    small_cd(tmp_path / "cd", series=1, images=5, patient_name="RUIZ^ANA")
    disc_import_run(
        disc_import=disc_import_start(case=case, source_name="cd"), source=tmp_path / "cd"
    )
    make_document(case)

    # 6. The checklist counts the CD as one study.
    page.goto(f"{base}/records/services/{service.public_id}/checklist/")
    assert "(1 imaging study in your records)" in plain_text(page)
    assert "5 in your records" not in plain_text(page)
    look(page, "checklist")

    # 7. Her own scans: the viewer steps through the CD's series with the keys and the slider.
    page.goto(f"{base}/records/")
    page.get_by_role("link", name=re.compile(r"^Look through it")).click()
    page.get_by_text("Slice 3 of 5", exact=True).wait_for()  # it opens in the middle
    assert "not a diagnostic viewer" in page.locator(".viewer-notice").inner_text()
    page.wait_for_load_state("load")  # the keys work once the page's script has run
    page.locator("body").press("ArrowRight")
    page.get_by_text("Slice 4 of 5", exact=True).wait_for()
    page.get_by_label("Choose a slice (1 to 5)").fill("1")
    page.get_by_text("Slice 1 of 5", exact=True).wait_for()
    look(page, "scan-viewer")

    # 5. The request letter: the page and its PDF.
    page.goto(f"{base}/records/services/{service.public_id}/letter/")
    assert "My name is Ana María Ruiz Torres" in plain_text(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the letter (PDF)").click()
    assert download.value.suggested_filename == "records-request-letter.pdf"
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    look(page, "request-letter")

    # 6. A doctor lookup a source did not answer is not "Done"; 2. "Remove" on one line.
    research = make_research(
        case,
        doctor_name="Ada Moreau",
        status=ResearchStatus.DONE,
        card={
            "problems": [{"source": "PubMed", "message": "PubMed did not answer.", "offline": True}]
        },
    )
    DoctorNote.objects.create(research=research, kind="board", text="Board certified")
    page.goto(f"{base}/doctors/")
    assert "Not finished: a source did not answer" in plain_text(page)
    look(page, "doctors")
    page.goto(f"{base}/doctors/{research.public_id}/")
    remove = page.get_by_role("button", name="Remove this note")
    box = remove.bounding_box()
    line = remove.evaluate("b => parseFloat(getComputedStyle(b).lineHeight) || 24")
    assert box["height"] < 1.6 * line, "the Remove button wraps"
    look(page, "doctor-detail")

    # 6. The comparison shows whole dates, also at 390 px.
    page.goto(f"{base}/services/compare/")
    cells = page.locator("table.compare td")
    for i in range(cells.count()):
        clipped = cells.nth(i).evaluate(
            "td => td.scrollWidth > td.clientWidth + 1 || "
            "td.getBoundingClientRect().right > document.documentElement.clientWidth + 1"
        )
        assert not clipped, cells.nth(i).inner_text()
    assert re.search(r"[A-Z][a-z]+ \d{1,2}, 20\d\d", plain_text(page))
    look(page, "compare")

    # 6. Questions typed on the opinion form reach the list; 5. the list as a PDF.
    page.goto(f"{base}/opinions/new/")
    page.locator('input[name="stance"]').first.check()
    page.get_by_label("Questions you still have").fill("Should I see a surgeon first?")
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.goto(f"{base}/opinions/questions/")
    assert "Should I see a surgeon first?" in plain_text(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download my questions (PDF)").click()
    assert Path(download.value.path()).read_bytes()[:5] == b"%PDF-"
    look(page, "questions")

    # The reviewer: a wrong passcode gives the box again; then the case with her identity.
    make_build(case, service)
    _link, token = make_link(case, service, passcode="blue-river-7")
    reviewer_context = new_context(viewport=viewport)
    reviewer = reviewer_context.new_page()
    reviewer.goto(f"/r/{token}/")
    reviewer.get_by_label("Passcode").fill("blue-river-8")
    reviewer.get_by_role("button", name="Open").click()
    assert reviewer.get_by_text("That passcode is not right").first.is_visible()
    look(reviewer, "reviewer-wrong-passcode")
    reviewer.get_by_label("Passcode").fill("blue-river-7")
    reviewer.get_by_role("button", name="Open").click()
    text = plain_text(reviewer)
    for expected in [
        "Ana María Ruiz Torres",
        "808-555-0142",
        "41 Palm Lane",
        "Hilo Oncology Clinic",
        "808-555-0101",
    ]:
        assert expected in text, expected
    look(reviewer, "reviewer-page")
    # 6. Every page asks for an icon, and it is there.
    assert reviewer.request.get(live_server.url + "/favicon.ico").status == 200
    reviewer_context.close()

    # The caregiver: an invite link that says who invited her.
    page.goto(f"{base}/sharing/")
    page.get_by_role("group", name="What the person who uses the link may do").get_by_label(
        "Can look and change"
    ).check()
    page.get_by_role("button", name="Make an invite link").click()
    link = page.get_by_label("The link to send").input_value()
    look(page, "invite-link")
    helper_context = new_context(viewport=viewport)
    helper = helper_context.new_page()
    helper.goto(link)
    helper.get_by_role("heading", name=re.compile("invited you to help")).wait_for()
    assert "the case for Ana" in helper.locator("#invite-who").inner_text()
    assert "breast" not in plain_text(helper).lower()
    look(helper, "invite-welcome")
    helper.get_by_role("link", name="Make an account").click()
    helper.get_by_label("Email address").fill("daughter@example.org")
    helper.get_by_label("Password:", exact=True).fill(PASSWORD)
    helper.get_by_label("Password confirmation").fill(PASSWORD)
    helper.get_by_role("button", name="Create my account").click()
    helper.get_by_role("button", name="Join the case").click()
    helper.get_by_role("heading", name="Your second opinion, step by step").wait_for()
    look(helper, "caregiver-dashboard")
    helper_context.close()
    context.close()
