"""The first hour, as a new patient and then her caregiver live it, on a laptop and on a phone.

One walk per screen size (1200 px and 390 px), each step through the pages as she would take it:
sign up, the first page, the case with her full identity and her first plan, the message to her
doctor, specialists near her home (the map, its numbers, the nearest dot above her ZIP, phones),
two services, a CD's ZIP and a consultation note uploaded, the checklist, her scans in the viewer
(keys, slider, window presets), the request letter and question list as PDFs, a doctor lookup a
source did not answer, the comparison, the summary for her doctor, the reviewer's link with a wrong
passcode and then her identity in the page, cover letter and case summary, and the caregiver's
invite. Every page is checked with axe and photographed (test-artifacts/first-hour-<size>-NN-*.png).
The registries are served by respx inside this process (PubMed fails), so nothing reaches the
internet.
"""

import re
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from pypdf import PdfReader

from secondopinion.cases.models import Case
from tests.browser.conftest import PASSWORD
from tests.browser.mapchecks import (
    box,
    map_first,
    nearest_dot_on_top,
    numbers_on_their_dots,
    phones_as_links,
)
from tests.centers.helpers import ensure_directory
from tests.doctors.conftest import (  # noqa: F401 - fixtures shared with the doctors tests
    api,
    registries,
)
from tests.opinions.factories import make_build, make_link
from tests.records.helpers import pdf_bytes, small_cd, zip_of
from tests.records.test_detect import CONSULT_NOTE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}
BRITISH = re.compile(
    r"\b(tumour|organis|specialis(?:e[sd]?|ing)\b|colour|favour|licence|travelling)", re.I
)
# "3 December 2026" or "10 Mar 2026" is the British order; here it is "December 3, 2026".
DAY_FIRST = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}")


def no_sideways_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def plain_text(page) -> str:
    return page.locator("main").inner_text()


def pdf_text(path: str) -> str:
    return " ".join(p.extract_text() for p in PdfReader(path).pages)


def download(page, link) -> str:
    """Click a link that downloads a PDF; the text of the PDF."""
    with page.expect_download() as started:
        link.click()
    path = started.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-", started.value.suggested_filename
    return pdf_text(path)


def service_add(page, base: str, name: str, *, days: int, doctor: str = "", needs=()) -> None:
    page.goto(base + "/services/new/")
    page.get_by_label("Name of the service or hospital").fill(name)
    page.get_by_role("button", name="Add the service").click()
    for label in needs:
        page.get_by_label(label, exact=True).check()
    if doctor:
        page.get_by_label("Will they tell you the reviewing doctor's name?").select_option(
            label="Yes, they told me"
        )
        page.get_by_role("textbox", name="Reviewing doctor's name").fill(doctor)
    page.get_by_label("Days until the answer, once they have your records").fill(str(days))
    page.get_by_role("button", name="Save the answers").click()
    page.get_by_text(name).first.wait_for()


@pytest.mark.parametrize("size", SIZES)
def test_the_first_hour_of_a_new_patient_and_her_caregiver(  # noqa: PLR0915 - one story
    new_context,
    live_server,
    new_user,
    axe_check,
    shot,
    tmp_path,
    size,
    registries,  # noqa: F811
):
    # PubMed does not answer; the NPI registry (with the doctor she looks up) and
    # ClinicalTrials.gov do.
    registries.esearch.mock(side_effect=httpx.ConnectError("PubMed is down in this test"))
    registries.npi_body["results"][0]["basic"].update(
        first_name="ADA", middle_name="", last_name="MOREAU"
    )
    viewport = SIZES[size]
    n = iter(range(1, 100))

    def look(page, name: str) -> None:
        axe_check(page)
        no_sideways_scroll(page, viewport["width"])
        assert not BRITISH.search(plain_text(page)), page.url
        assert not DAY_FIRST.search(plain_text(page)), (
            page.url,
            DAY_FIRST.search(plain_text(page)),
        )
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
    # Her first plan, as her doctor wrote it (the handoff repeats it, with one period).
    page.goto(base + "/edit/")
    page.get_by_label("The treatment your doctor recommends").fill(
        "Lumpectomy, then radiation. Letrozole for 5 years."
    )
    page.get_by_role("button", name=re.compile("Save")).first.click()
    page.get_by_role("button", name="These are right: save").click()

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
    # 2. One mile is "1 mile"; the nearest dot is drawn above her ZIP marker.
    assert not re.search(r"\b1 miles\b", plain_text(page))
    nearest_dot_on_top(page, "96720")
    look(page, "find-specialists")

    # Two services, added by hand.
    service_add(
        page,
        base,
        "Lakeside Second Opinions",
        days=10,
        doctor="Ada Moreau, MD",
        needs=[
            "Imaging studies (the scans themselves, DICOM files, often on a CD)",
            "Pathology report",
            "Lab results",
        ],
    )
    service_add(page, base, "Harbor Review", days=21)

    # Her records: the ZIP of a CD of 5 images (one study) and a consultation note, in one go.
    small_cd(tmp_path / "cd", series=1, images=5, patient_name="RUIZ^ANA", birth_date="19580211")
    archive = zip_of(tmp_path / "cd", tmp_path / "imaging-cd.zip")
    note = tmp_path / "oncology-consultation.pdf"
    note.write_bytes(pdf_bytes(CONSULT_NOTE.splitlines()))
    page.goto(base + "/records/")
    page.get_by_label("Choose files from your computer").set_input_files([str(archive), str(note)])
    page.get_by_role("button", name="Upload").click()
    page.locator(".series-list img").first.wait_for()
    # 6. A consultation note is typed as a visit note, not "Other".
    row = page.locator("table tr", has_text="oncology-consultation.pdf")
    assert "Clinical summary or visit note" in row.inner_text()

    # 6. The checklist counts the CD as one study.
    page.get_by_role("link", name="Lakeside Second Opinions").click()
    page.get_by_role("heading", name="The records Lakeside Second Opinions asked for").wait_for()
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
    # The CT window presets, and the file's own window; a preset keeps the slice.
    windows = page.locator(".viewer-windows a")
    assert [w.strip() for w in windows.all_inner_texts()] == [
        "Soft tissue (W400 L40)",
        "Lung (W1500 L-600)",
        "Bone (W1800 L400)",
        "As saved in the file",
        "Automatic",
    ]
    page.get_by_role("link", name="Lung (W1500 L-600)").click()
    page.get_by_text("Slice 1 of 5", exact=True).wait_for()
    page.wait_for_load_state("load")
    assert "window=lung" in page.locator("[data-image]").get_attribute("src")
    assert page.get_by_role("link", name="Lung (W1500 L-600)").get_attribute("aria-current")
    # The step buttons keep their words on one line, also on a phone (seen in a screenshot).
    for name in ("Previous slice", "Next slice"):
        button = page.get_by_role("link", name=name)
        lines = button.evaluate(
            "b => { const r = document.createRange(); r.selectNodeContents(b);"
            " return r.getBoundingClientRect().height"
            " / (parseFloat(getComputedStyle(b).lineHeight) || 24); }"
        )
        assert lines < 1.6, (name, lines)
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), name
    look(page, "scan-viewer")

    # 5. The request letter: the page and its PDF.
    page.goto(base + "/records/")
    page.get_by_role("link", name="Lakeside Second Opinions").click()
    page.get_by_role("link", name="Write a records request letter").click()
    assert "My name is Ana María Ruiz Torres" in plain_text(page)
    letter = download(page, page.get_by_role("link", name="Download the letter (PDF)"))
    assert "Ana María Ruiz Torres" in letter
    look(page, "request-letter")

    # 6. A doctor lookup a source did not answer is not "Done"; 2. "Remove" on one line.
    page.goto(f"{base}/doctors/")
    page.get_by_label("Doctor's full name").fill("Ada Moreau")
    page.get_by_role("button", name="Look up this doctor").click()
    page.get_by_role("heading", name="What the public record shows").wait_for()
    page.get_by_label("What kind of note").select_option(label="Board certification")
    page.get_by_label("What you found").fill("Board certified in medical oncology")
    page.get_by_role("button", name="Add the note").click()
    page.get_by_text("Your note is saved.").wait_for()
    detail = page.url
    page.goto(f"{base}/doctors/")
    assert "Not finished: a source did not answer" in plain_text(page)
    assert "Done" not in plain_text(page)
    # What was found reads across the page, not squeezed beside the name (seen in a screenshot).
    row = page.locator(".research-list > li").first
    assert box(row.locator("p").nth(1))["width"] > 0.9 * box(row)["width"]
    look(page, "doctors")
    page.goto(detail)
    remove = page.get_by_role("button", name="Remove this note")
    remove_box = remove.bounding_box()
    line = remove.evaluate("b => parseFloat(getComputedStyle(b).lineHeight) || 24")
    assert remove_box["height"] < 1.6 * line, "the Remove button wraps"
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
    questions = download(page, page.get_by_role("link", name="Download my questions (PDF)"))
    assert "Should I see a surgeon first?" in questions
    look(page, "questions")

    # 2. The summary for her local doctor ends her first plan with one period, not "5 years..".
    page.goto(f"{base}/opinions/handoff/")
    assert "Letrozole for 5 years." in plain_text(page)
    summary = download(page, page.get_by_role("link", name="Download the one-page summary (PDF)"))
    for text in (plain_text(page), summary):
        assert "5 years.." not in text and ".." not in text.replace("...", "")
    look(page, "handoff")

    # The reviewer: a wrong passcode gives the box again; then the case with her identity.
    service = case.services.get(name="Lakeside Second Opinions")
    make_build(case, service)
    _link, token = make_link(case, service, passcode="blue-river-7")
    reviewer_context = new_context(accept_downloads=True, viewport=viewport)
    reviewer = reviewer_context.new_page()
    reviewer.goto(f"/r/{token}/")
    reviewer.get_by_label("Passcode").fill("blue-river-8")
    reviewer.get_by_role("button", name="Open").click()
    assert reviewer.get_by_text("That passcode is not right").first.is_visible()
    look(reviewer, "reviewer-wrong-passcode")
    reviewer.get_by_label("Passcode").fill("blue-river-7")
    reviewer.get_by_role("button", name="Open").click()
    reviewer.get_by_role("heading", name=re.compile("Case for review")).wait_for()
    # 4. Who she is and how to reach her and her doctor: on the page, in the cover letter and in
    # the case summary (the PDFs as the reviewer downloads them).
    identity = [
        "Ana María Ruiz Torres",
        "February 11, 1958",
        "808-555-0142",
        "41 Palm Lane",
        "Hilo, HI 96720",
        "Hilo Oncology Clinic",
        "808-555-0100",
        "808-555-0101",
    ]
    files = reviewer.locator(".packet-files")
    for where, text in [
        ("the page", plain_text(reviewer)),
        (
            "the cover letter",
            download(reviewer, files.get_by_role("link", name=re.compile(r"Cover letter\.pdf$"))),
        ),
        (
            "the case summary",
            download(
                reviewer, reviewer.get_by_role("link", name="Download the case summary (PDF)")
            ),
        ),
    ]:
        for expected in identity:
            assert expected in text, (where, expected)
    assert (
        reviewer.get_by_role("link", name="808-555-0100").get_attribute("href")
        == "tel:808-555-0100"
    )
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
    # The CD carries her name and birth date: no warning that it may be someone else's.
    assert "may belong to someone else" not in plain_text(helper)
    look(helper, "caregiver-dashboard")
    helper_context.close()
    context.close()
