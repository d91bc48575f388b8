import os
from pathlib import Path

import pytest
from wagtail.models import Page

from tests.factories import TreatmentLibraryPageFactory

# S3 (moto) fixtures for media tests.
pytest_plugins = ["tests.s3"]

FIXTURES = Path(__file__).parent / "fixtures"
SEED_FILE = FIXTURES / "ims_dry_needling.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED_FILE


@pytest.fixture
def root_page(db) -> Page:
    return Page.get_first_root_node()


@pytest.fixture
def library(root_page):
    return TreatmentLibraryPageFactory(parent=root_page)


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; a downloaded browser cannot work here."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # beside it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def admin_login(page, live_server, username, password):
    """Log in through Wagtail's login form, as a person does."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def make_branch(root_page):
    """Build a branch as the tree holds one: Site -> ClinicHomePage -> TreatmentIndexPage."""
    from wagtail.models import Site

    from tests.factories import ClinicHomePageFactory, TreatmentIndexPageFactory

    def make(slug: str, hostname: str | None = None):
        home = ClinicHomePageFactory(parent=root_page, title=slug.title(), slug=slug)
        index = TreatmentIndexPageFactory(parent=home)
        site = Site.objects.create(
            hostname=hostname or f"{slug}.example.org",
            port=80,
            root_page=home,
            site_name=slug.title(),
        )
        return site, home, index

    return make


@pytest.fixture
def offer():
    """Offer a library article at a branch: an alias under the branch's treatment index."""

    def make(article, index):
        return article.create_alias(parent=index, update_slug=article.slug)

    return make
