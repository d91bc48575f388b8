"""Branch and library editors in a real browser: what each sees and may do."""

import os
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from clinics import offering, services
from clinics.models import ClinicBranch, ClinicSettings
from tests.conftest import admin_login
from treatments.models import TreatmentPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

# The suite shares two cores with a live server and chromium: allow slow pages, as actions do.
expect.set_options(timeout=20_000)

PASSWORD = "editor-pass-123"
REFUSED = "Sorry, you do not have permission to access this area."


@pytest.fixture
def demo(monkeypatch, transactional_db):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin-pass-123")
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    seed = TreatmentPage.objects.get(alias_of__isnull=True)
    branches = {
        b.site.root_page.slug: b for b in ClinicBranch.objects.select_related("site__root_page")
    }
    return seed, branches


def shot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def alias_at(branch, seed):
    return TreatmentPage.objects.descendant_of(branch.site.root_page).get(alias_of=seed)


@pytest.mark.parametrize(("own", "other"), [("north", "south"), ("south", "north")])
def test_branch_editor_sees_and_edits_only_his_branch(live_server, browser_page, demo, own, other):
    """The explorer, the offered article and the settings are his branch's; the other's refused."""
    seed, branches = demo
    page = browser_page
    admin_login(page, live_server, f"{own}-editor", PASSWORD)
    home, other_home = branches[own].site.root_page, branches[other].site.root_page

    page.goto(f"{live_server.url}/admin/pages/")
    expect(page).to_have_url(f"{live_server.url}/admin/pages/{home.pk}/")
    index = services.treatment_index(branches[own])
    expect(page.locator(f"a[href='/admin/pages/{index.pk}/']").first).to_be_visible()
    page.goto(f"{live_server.url}/admin/pages/{index.pk}/")
    expect(page.get_by_role("link", name=re.compile("Intramuscular Stimulation"))).to_be_visible()
    assert page.locator(f"a[href='/admin/pages/{other_home.pk}/']").count() == 0
    shot(page, f"{own}-editor-explorer")

    alias = alias_at(branches[own], seed)
    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    notice = page.locator("[data-clinic-alias-notice]")
    expect(notice).to_contain_text("comes from the group's treatment library")
    expect(notice).to_contain_text("ask the library editors")
    assert page.get_by_text("Convert this alias").count() == 0
    shot(page, f"{own}-editor-library-article")

    for url in (
        f"/admin/pages/{alias_at(branches[other], seed).pk}/edit/",
        f"/admin/pages/{seed.pk}/edit/",
    ):
        page.goto(f"{live_server.url}{url}")
        expect(page).to_have_url(f"{live_server.url}/admin/")
        expect(page.get_by_text(REFUSED)).to_be_visible()
    shot(page, f"{own}-editor-refused")

    page.goto(f"{live_server.url}/admin/settings/clinics/clinicsettings/{branches[other].site.pk}/")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_text(REFUSED)).to_be_visible()

    page.goto(f"{live_server.url}/admin/settings/clinics/clinicsettings/")
    expect(page).to_have_url(
        f"{live_server.url}/admin/settings/clinics/clinicsettings/{branches[own].site.pk}/"
    )
    page.fill("input[name=phone]", "+44 20 0000 0000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Clinic settings updated.")).to_be_visible()
    assert ClinicSettings.for_site(branches[own].site).phone == "+44 20 0000 0000"
    assert ClinicSettings.for_site(branches[other].site).phone != "+44 20 0000 0000"


def test_library_editor_edits_once_and_every_branch_follows(live_server, browser_page, demo):
    """Publishing the library article updates North and South; branch pages stay out of reach.

    The change is the search title, no clinical content, so the reviewed seed publishes at
    once (a clinical change goes through review: tests/browser/test_clinical_review.py).
    """
    seed, branches = demo
    page = browser_page
    admin_login(page, live_server, "library-editor", PASSWORD)

    page.goto(f"{live_server.url}/admin/pages/{seed.pk}/edit/")
    expect(page.get_by_text("Shown at: North, South.")).to_be_visible()
    shot(page, "library-editor-article")
    page.get_by_role("tab", name="Promote").click()
    page.fill("input[name=seo_title]", "Revised once in the library.")
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("has been published")).to_be_visible()

    for branch in branches.values():
        assert alias_at(branch, seed).seo_title == "Revised once in the library."

    page.goto(f"{live_server.url}/admin/pages/{branches['north'].site.root_page_id}/edit/")
    expect(page.get_by_text(REFUSED)).to_be_visible()


def test_library_editor_offers_and_withdraws_from_the_branches_view(
    live_server, browser_page, demo
):
    """One action offers the article at several branches; withdrawing from one keeps the rest."""
    seed, branches = demo
    east = services.create_clinic(name="East", hostname="east.localhost")
    west = services.create_clinic(name="West", hostname="west.localhost")
    page = browser_page
    admin_login(page, live_server, "library-editor", PASSWORD)

    page.goto(f"{live_server.url}/admin/pages/{seed.pk}/edit/")
    page.get_by_role("button", name="Actions", exact=True).click()
    page.get_by_role("link", name="Branches (2 of 4)").click()
    page.get_by_label("East").check()
    page.get_by_label("West").check()
    page.get_by_role("button", name="Offer at the ticked branches").click()
    expect(page.get_by_text("offered at East, West")).to_be_visible()
    shot(page, "library-editor-branches")

    page.get_by_role("link", name="Withdraw from South").click()
    expect(page.get_by_text("offering the article at South")).to_be_visible()
    assert set(offering.branches_carrying(seed)) == {
        branches["north"].pk,
        branches["south"].pk,
        east.pk,
        west.pk,
    }
    page.get_by_role("button", name="Yes, withdraw from South").click()
    expect(page.get_by_text("withdrawn from South")).to_be_visible()

    carried = offering.branches_carrying(seed)
    assert set(carried) == {branches["north"].pk, east.pk, west.pk}
    assert TreatmentPage.objects.get(pk=seed.pk).live
