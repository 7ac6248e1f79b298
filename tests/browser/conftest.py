"""Browser tests: the real app in the system Chromium, driven by Playwright, as a new user would.

Chromium comes from the operating system (Debian's `chromium` package); Playwright's own browser
download cannot work offline. Without a browser these tests are skipped with a loud notice, except
under CI=true, where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from contextlib import suppress
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls that fixtures
# make from this thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "Harbour-lantern-42"  # noqa: S105 - test account


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def pytest_collection_modifyitems(config, items):
    if chromium_path():
        return
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError("CI=true but no Chromium was found: browser tests cannot run.")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    message = (
        "\n" + "!" * 78 + "\n!! NO CHROMIUM FOUND: "
        f"{len(browser_items)} browser tests are SKIPPED. Install Debian's 'chromium'.\n" + "!" * 78
    )
    if reporter:
        reporter.write_line(message, red=True, bold=True)
    skip = pytest.mark.skip(reason="no Chromium on this machine")
    for item in browser_items:
        item.add_marker(skip)


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - heavy, browser runs only

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    browser = _playwright.chromium.launch(
        executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    """Make browser contexts on the live server; all are closed when the test ends, passed or
    failed. An open context keeps its keep-alive connections, and with them the server threads'
    database sessions, which would stop PostgreSQL's test database from being dropped."""
    made = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(15_000)
        made.append(context)
        return context

    yield make
    for context in made:
        with suppress(Exception):  # already closed by the test
            context.close()


@pytest.fixture
def context(new_context):
    return new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})


@pytest.fixture
def page(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def shot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_check():
    """Run axe-core on the page; fail on any serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe  # noqa: PLC0415 - heavy, browser runs only

    axe = Axe()

    def check(page) -> None:
        results = axe.run(page)
        bad = [
            v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")
        ]
        details = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:5])
            for v in bad
        )
        assert not bad, f"Accessibility problems on {page.url}:\n{details}"

    return check


@pytest.fixture
def new_user(axe_check, settings):
    """Sign up through the real pages, as a first-time visitor would (on a personal copy: CI's
    PostgreSQL run counts as hosted, where sign-up needs email)."""
    settings.HOSTED = False

    def sign_up(page, email: str = "new.person@example.org") -> str:
        page.goto("/")
        page.get_by_role("link", name="Create a free account").click()
        axe_check(page)
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Your name (optional)").fill("Sam")
        page.get_by_label("Password:", exact=True).fill(PASSWORD)
        page.get_by_label("Password confirmation").fill(PASSWORD)
        page.get_by_role("button", name="Create my account").click()
        page.get_by_role("heading", name="Start here").wait_for()  # no case yet: the first page
        return email

    return sign_up


@pytest.fixture
def create_case(axe_check):
    """Create a case through the form; returns the case dashboard URL."""

    def create(
        page,
        *,
        patient: str = "Sam Rivera",
        cancer: str = "Breast cancer",
        doctor: str = "Lee Morgan",
    ) -> str:
        page.goto("/cases/new/")
        page.get_by_label("Patient's name").fill(patient)
        page.get_by_label("Type of cancer").select_option(label=cancer)
        page.get_by_label("Doctor's name").fill(doctor)
        page.get_by_role("button", name="Create the case").click()
        page.get_by_role("heading", name="Your second opinion, step by step").wait_for()
        return page.url

    return create
