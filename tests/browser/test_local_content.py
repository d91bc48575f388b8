"""Issue 16 end to end in Debian's chromium: a branch's local content on a shared article.

North's editor creates a practitioner and the local part of the offered seed article (a local
paragraph, the practitioner, a hidden question) and submits it; North's moderator approves;
the API for North shows them and South's does not. The library editor publishes a change to
the article; North's editor sees the drift, compares the library text then and now, and marks
the local part reviewed. Screenshots: SCREENSHOT_DIR (the lead's notes by default).
"""

import html
import json
import os

import pytest
import requests
from django.core.management import call_command
from playwright.sync_api import expect

from clinics.local.drift import is_stale
from clinics.local.models import LocalContent, Practitioner
from clinics.models import ClinicBranch
from tests.browser.test_roles_walk import approve_first_review, clinical_review_approves
from tests.conftest import admin_login
from treatments.models import TreatmentPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=20_000)

PASSWORD = "editor-pass-123"
ADMIN_PASSWORD = "admin-pass-123"
SHOTS = os.environ.get("SCREENSHOT_DIR")  # screenshots only when asked for, as the other walks
LOCAL_PARAGRAPH = "At our North clinic, Nora treats on the harbour side every Tuesday."


def shot(page, name, full_page=True):
    if SHOTS and os.path.isdir(SHOTS):
        page.screenshot(path=f"{SHOTS}/local-{name}.png", full_page=full_page)


@pytest.fixture
def demo(monkeypatch, transactional_db):
    """The demo, with North's local part and practitioner removed: this walk writes them."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    LocalContent.objects.all().delete()
    Practitioner.objects.all().delete()
    branches = {b.site.root_page.slug: b for b in ClinicBranch.objects.select_related("site")}
    seed = TreatmentPage.objects.get(alias_of__isnull=True, depth=3)
    aliases = {
        slug: TreatmentPage.objects.descendant_of(branch.site.root_page).get(alias_of=seed)
        for slug, branch in branches.items()
    }
    return seed, aliases


def session(browser, live_server, username, password=PASSWORD):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    admin_login(page, live_server, username, password)
    return context, page


def api_article(live_server, clinic, page_id):
    response = requests.get(
        f"{live_server.url}/api/v2/pages/{page_id}/", params={"clinic": clinic}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()


def north_editor_writes_local_content(browser, live_server, alias, hidden_question):
    context, page = session(browser, live_server, "north-editor")
    page.goto(f"{live_server.url}/admin/snippets/clinics/practitioner/add/")
    page.fill("input[name=name]", "Nora Lind")
    page.fill("input[name=title]", "Physiotherapist, IMS")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("created")).to_be_visible()

    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    shot(page, "01-offered-article-read-only")
    page.get_by_role("link", name="Add local content").click()
    expect(page.locator("select[name=page_choice]")).to_have_value(str(alias.pk))
    intro = page.locator("[data-contentpath=intro] [contenteditable=true]")
    expect(intro).to_be_editable()
    intro.click()
    page.keyboard.type(LOCAL_PARAGRAPH, delay=5)
    expect(intro).to_contain_text(LOCAL_PARAGRAPH)
    page.get_by_role("button", name="Add practitioner").first.click()
    page.locator("select[name=practitioners-0-practitioner]").select_option(
        label="Nora Lind, Physiotherapist, IMS"
    )
    page.fill("textarea[name=price_note]", "A session costs 60 EUR.")
    page.get_by_label(hidden_question).check()
    page.locator("[data-contentpath=intro]").scroll_into_view_if_needed()
    shot(page, "02-north-editor-local-form", full_page=False)
    page.get_by_label(hidden_question).scroll_into_view_if_needed()
    shot(page, "02b-north-editor-hidden-question", full_page=False)
    # A new local part is saved as a draft first; its branch's workflow then takes it.
    page.locator("footer").get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("created")).to_be_visible()
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to North local content approval").click()
    expect(page.get_by_text("submitted")).to_be_visible()
    shot(page, "03-north-editor-submitted")
    context.close()


def north_moderator_approves(browser, live_server):
    context, page = session(browser, live_server, "north-moderator")
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("section", has_text="Awaiting your review")).to_contain_text("North")
    shot(page, "04-north-moderator-dashboard")
    approve_first_review(page)
    expect(page.get_by_text("Awaiting your review")).to_have_count(0)
    context.close()


def library_editor_publishes_a_change(browser, live_server, seed):
    context, page = session(browser, live_server, "library-editor")
    page.goto(f"{live_server.url}/admin/pages/{seed.pk}/edit/")
    page.fill("textarea[name=summary]", "Dry needling, now described for chronic neck pain too.")
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Submit to Library approval").click()
    expect(page.get_by_text("submitted for moderation")).to_be_visible()
    approve_first_review(page)
    clinical_review_approves(seed.title)
    page.goto(f"{live_server.url}/admin/reports/local-content/")
    expect(page.locator("tr[data-branch=North]")).to_contain_text("Stale: library changed")
    shot(page, "09-library-editor-local-content-report")
    context.close()


def north_editor_reviews_drift(browser, live_server, alias):
    context, page = session(browser, live_server, "north-editor")
    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    expect(page.get_by_text("The library changed this article")).to_be_visible()
    page.get_by_role("link", name="Edit local content").click()
    expect(page.get_by_text("Compare the library text then and now")).to_be_visible()
    shot(page, "06-north-editor-drift-banner", full_page=False)
    page.get_by_role("link", name="Compare the library text then and now").click()
    expect(page.locator("[data-drift=stale]")).to_be_visible()
    changed = page.locator("tr[data-changed]")
    expect(changed).to_have_count(1)
    expect(changed).to_contain_text("now described for chronic neck pain too")
    shot(page, "07-north-editor-comparison")
    page.get_by_role("button", name="Mark reviewed").click()
    expect(page.get_by_text("marked reviewed")).to_be_visible()
    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    expect(page.locator("[data-local-content]")).to_contain_text("Published")
    expect(page.locator("[data-local-stale]")).to_have_count(0)
    shot(page, "08-north-editor-reviewed", full_page=False)
    context.close()


def test_north_local_content_from_writing_to_drift(browser, live_server, demo):
    seed, aliases = demo
    north_alias, south_alias = aliases["north"], aliases["south"]
    questions = [c.value["question"] for c in seed.body if c.block_type == "question"]
    hidden = questions[-1]

    north_editor_writes_local_content(browser, live_server, north_alias, hidden)
    local = LocalContent.objects.get(page=north_alias)
    assert not local.live
    assert api_article(live_server, "north", north_alias.pk)["local"] is None

    north_moderator_approves(browser, live_server)
    local.refresh_from_db()
    assert local.live

    north = api_article(live_server, "north", north_alias.pk)
    assert LOCAL_PARAGRAPH in north["local"]["intro"]
    assert [p["name"] for p in north["local"]["practitioners"]] == ["Nora Lind"]
    assert north["local"]["price_note"] == "A session costs 60 EUR."
    north_questions = [b["value"]["question"] for b in north["body"] if b["type"] == "question"]
    assert hidden not in north_questions
    south = api_article(live_server, "south", south_alias.pk)
    assert south["local"] is None
    assert hidden in [b["value"]["question"] for b in south["body"] if b["type"] == "question"]
    assert "Nora" not in str(south)

    context, page = session(browser, live_server, "north-editor")
    answers = {
        clinic: api_article(live_server, clinic, alias.pk)["local"]
        for clinic, alias in (("north", north_alias), ("south", south_alias))
    }
    page.set_content(
        "<h1>GET /api/v2/pages/&lt;id&gt;/?clinic=north | south: the local part</h1><pre>"
        + html.escape(json.dumps(answers, indent=2))
        + "</pre>"
    )
    shot(page, "05-api-north-and-south-local")
    context.close()

    library_editor_publishes_a_change(browser, live_server, seed)
    assert is_stale(local)
    north_editor_reviews_drift(browser, live_server, north_alias)
    assert not is_stale(LocalContent.objects.get(pk=local.pk))
    north = api_article(live_server, "north", north_alias.pk)
    assert north["summary"] == "Dry needling, now described for chronic neck pain too."
    assert LOCAL_PARAGRAPH in north["local"]["intro"]
