import os
from pathlib import Path
from typing import NamedTuple

import pytest
from django.core.cache import cache
from wagtail.models import Page, Site

from clinics.models import ClinicHomePage
from tests.factories import (
    ClinicHomePageFactory,
    Logins,
    TreatmentIndexPageFactory,
    World,
    add_logins,
    build_world,
)
from treatments.models import TreatmentIndexPage
from treatments.services import get_or_create_library

# S3 (moto) fixtures for media tests; the webhook tests' receiver and worker.
pytest_plugins = ["tests.s3", "tests.webhook_fixtures"]

FIXTURES = Path(__file__).parent / "fixtures"
SEED_FILE = FIXTURES / "ims_dry_needling.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED_FILE


def forget_content_types() -> None:
    """A flush re-creates content types with new ids; drop the ids cached before it."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils.functional import cached_property
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection
    from wagtail.permissions import policy_registry

    from clinics.models import ClinicSettings

    ContentType.objects.clear_cache()
    for model in (ClinicSettings, Page, Collection, get_image_model(), get_document_model()):
        policy = policy_registry.get_by_type(model)
        for klass in type(policy).__mro__:
            for name, attr in vars(klass).items():
                if isinstance(attr, cached_property):
                    policy.__dict__.pop(name, None)


def ensure_wagtail_base_rows() -> None:
    """Restore what Wagtail's migrations create: the locale, the root page, the root collection.

    A transactional test (live server, real Celery worker) ends by flushing every table, and
    serialized rollback did not restore them under xdist with Playwright's sync API; tests that
    run after it on the same worker would find no tree.
    """
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale

    forget_content_types()
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def wagtail_base_rows(request):
    """Every test with database access starts from the rows Wagtail's migrations made."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("_django_db_helper")
        ensure_wagtail_base_rows()


@pytest.fixture
def root_page(db) -> Page:
    return Page.get_first_root_node()


@pytest.fixture
def library(db):
    """The one library, placed as the services place it (``world`` shares it)."""
    return get_or_create_library()


@pytest.fixture
def empty_cache():
    """No answer cached by an earlier test: the cache (Redis) outlives test transactions."""
    cache.clear()


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


class Branch(NamedTuple):
    site: Site
    home: ClinicHomePage
    index: TreatmentIndexPage


@pytest.fixture
def make_branch(root_page):
    """Build a bare branch as the tree holds one: Site -> ClinicHomePage -> TreatmentIndexPage.

    No groups, collection or ClinicSettings: for the API, which needs the tree only.
    """

    def make(slug: str, hostname: str | None = None) -> Branch:
        home = ClinicHomePageFactory(parent=root_page, title=slug.title(), slug=slug)
        index = TreatmentIndexPageFactory(parent=home)
        site = Site.objects.create(
            hostname=hostname or f"{slug}.example.org",
            port=80,
            root_page=home,
            site_name=slug.title(),
        )
        return Branch(site, home, index)

    return make


@pytest.fixture
def north(make_branch) -> Branch:
    return make_branch("north")


@pytest.fixture
def south(make_branch) -> Branch:
    return make_branch("south")


@pytest.fixture
def offer():
    """Offer a library article at a bare branch: an alias under the branch's treatment index."""

    def make(article, index):
        return article.create_alias(parent=index, update_slug=article.slug)

    return make


@pytest.fixture
def world(db) -> World:
    """A library article offered at North and South, branches made by create_clinic."""
    return build_world()


@pytest.fixture
def read_buffer():
    """An empty read buffer before and after the test: Redis outlives test transactions."""
    from tests.treatments.reads.helpers import flush_reads_redis

    flush_reads_redis()
    yield
    flush_reads_redis()


@pytest.fixture
def served_world(world, read_buffer) -> World:
    """``world`` with the beacon's map of it built, as its commit would build it."""
    from treatments.reads import served

    served.rebuild_served_map()
    return world


@pytest.fixture
def logins(world) -> Logins:
    """Library editor, and an editor and a moderator per branch of ``world``."""
    return add_logins(world)
