"""The demo in Debian's chromium as a library editor and as someone guessing passwords: the
seed's import review, the Content-Security-Policy on every page editors use, the lockout."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from treatments.models import TreatmentPage
from treatments.services import get_or_create_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=20_000)

PASSWORD = "editor-pass-123"
# Collects the page's CSP violations (the browser's own event), from before any script runs.
RECORD_VIOLATIONS = (
    "window.violations = [];"
    "document.addEventListener('securitypolicyviolation', e => window.violations.push("
    "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile));"
)
# Redoc always asks for its attribution logo from its CDN; the policy blocks it and Redoc hides it.
REDOC_LOGO = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"


def shot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=False)


def violations(page) -> list[str]:
    page.wait_for_load_state("networkidle")
    return [v for v in page.evaluate("window.violations") if not v.startswith(REDOC_LOGO)]


@pytest.fixture
def demo(monkeypatch, transactional_db, settings):
    settings.AXES_ENABLED = True  # as deployed; the test settings turn it off
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin-pass-123")
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return TreatmentPage.objects.get(alias_of__isnull=True)


def sign_in(page, url, username, password):
    page.goto(f"{url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_library_editor_reviews_the_import_under_the_policy_and_a_guesser_is_locked_out(
    live_server, browser, demo
):
    """The seed is flagged in the library and its notes name the open question and the stray
    line; no page the editor opens (choosers and inline forms included) breaks the policy,
    nor does the API docs page. Then five wrong passwords lock the address out, and the right
    one is refused with a clear page."""
    url = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20_000)

    sign_in(page, url, "library-editor", PASSWORD)
    page.wait_for_url(f"{url}/admin/")
    assert violations(page) == []
    library = get_or_create_library()
    page.goto(f"{url}/admin/pages/{library.pk}/")
    flag = page.get_by_role("link", name="Import review")
    expect(flag).to_have_attribute(
        "title", "2 points from the import to settle: see the editor notes"
    )
    assert violations(page) == []
    shot(page, "review-1-explorer-flag")

    flag.click()
    page.wait_for_url(f"{url}/admin/pages/{demo.pk}/edit/")
    notes = page.locator("textarea[name=editor_notes]")
    expect(notes).to_have_value(demo.editor_notes)
    assert "Unanswered question: In which cases" in notes.input_value()
    assert "Line not placed: yodax" in notes.input_value()
    page.get_by_role("button", name="Add other name").first.click()
    expect(page.locator("input[name='other_names-0-name']")).to_be_visible()
    page.get_by_role("button", name="Choose an image").first.click()
    expect(page.get_by_role("dialog").get_by_text("Choose an image")).to_be_visible()
    assert violations(page) == []
    notes.scroll_into_view_if_needed()
    shot(page, "review-2-editor-notes")

    for path in (
        "/admin/images/",
        "/admin/snippets/treatments/condition/",
        "/admin/reports/reads/",
    ):
        page.goto(f"{url}{path}")
        assert violations(page) == [], path
    page.goto(f"{url}/api/docs/")
    page.locator("h2", has_text="List a clinic's pages").first.wait_for()
    assert violations(page) == []
    context.close()

    guesser = browser.new_context(viewport={"width": 1400, "height": 1000})
    guesser.add_init_script(RECORD_VIOLATIONS)
    page = guesser.new_page()
    page.set_default_timeout(20_000)
    for n in range(5):
        sign_in(page, url, "library-editor", f"guess-{n}")
    sign_in(page, url, "library-editor", PASSWORD)

    expect(page.get_by_role("heading", name="Signing in is paused")).to_be_visible()
    expect(page.get_by_text("Too many failed sign-ins from your address.")).to_be_visible()
    expect(page.get_by_text("Try again in 15 minutes")).to_be_visible()
    assert violations(page) == []
    shot(page, "review-3-locked-out")
    page.goto(f"{url}/admin/")
    expect(page).to_have_url(f"{url}/admin/login/?next=/admin/")
    guesser.close()
