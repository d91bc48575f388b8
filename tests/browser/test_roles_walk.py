"""Each demo role's everyday work, end to end in Debian's chromium (issue 12's "done means").

One browser session per role, in the order the work flows: the library editor writes an
article with a new condition, offers it at North and South, withdraws it from South after
confirming; North's editor writes his own article, submits it, and meets an opening-hours
mistake; North's moderator approves it and it reaches North's API only; South's moderator
never sees it; the admin reads the reads report and exports it. SCREENSHOT_DIR keeps a
screenshot of each step.
"""

import csv
import io
import os

import pytest
import requests
from django.core.management import call_command
from playwright.sync_api import expect

from clinics import offering
from clinics.models import ClinicBranch
from clinics.services import treatment_index
from tests.conftest import admin_login
from treatments.governance.models import ClinicalReviewer
from treatments.models import Condition, TreatmentPage
from treatments.services import get_or_create_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=20_000)

PASSWORD = "editor-pass-123"
ADMIN_PASSWORD = "admin-pass-123"


def shot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


@pytest.fixture
def demo(monkeypatch, transactional_db):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", ADMIN_PASSWORD)
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    return {b.site.root_page.slug: b for b in ClinicBranch.objects.select_related("site")}


def session(browser, live_server, username, password=PASSWORD):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    admin_login(page, live_server, username, password)
    return context, page


def submit(page, workflow):
    page.locator("footer").get_by_role("button", name="More actions").click()
    page.get_by_role("button", name=f"Submit to {workflow}").click()
    expect(page.get_by_text("created and submitted for moderation")).to_be_visible()


def approve_first_review(page):
    """Approve the first submission in the dashboard's "Awaiting your review" panel."""
    page.goto(page.url.split("/admin/")[0] + "/admin/")
    review = page.locator("section", has_text="Awaiting your review")
    review.locator("[data-controller=w-dropdown] button").first.click()
    page.get_by_role("button", name="Approve", exact=True).click()


def clinical_review_approves(title):
    """The clinical reviewer's approval, the workflow's last step (governance's own browser
    tests walk that role); it publishes the article."""
    article = TreatmentPage.objects.get(title=title, alias_of__isnull=True)
    state = article.current_workflow_task_state
    assert state.task.name == "Clinical review"
    reviewer = ClinicalReviewer.objects.get(user__username="clinical-reviewer")
    state.task.specific.on_action(state, reviewer.user, "approve")
    assert TreatmentPage.objects.get(pk=article.pk).live


def api_titles(live_server, clinic):
    response = requests.get(
        f"{live_server.url}/api/v2/pages/",
        params={"type": "treatments.TreatmentPage", "clinic": clinic, "fields": "title"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def library_editor_walk(browser, live_server, branches):
    context, page = session(browser, live_server, "library-editor")
    library = get_or_create_library()
    page.goto(f"{live_server.url}/admin/pages/{library.pk}/")
    expect(page.locator("[data-library-explainer]")).to_contain_text("treatment library")
    shot(page, "01-library-editor-explorer")

    page.goto(f"{live_server.url}/admin/pages/add/treatments/treatmentpage/{library.pk}/")
    page.fill("#id_title", "Kinesio taping")
    page.fill("textarea[name=summary]", "Elastic tape supports muscles and joints.")
    page.get_by_role("button", name="Add a condition").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="Create condition").click()
    modal.locator("input[name=name]").fill("Runner's knee")
    modal.get_by_role("button", name="Create condition").click()
    expect(page.locator("[data-conditions-chosen]")).to_contain_text("Runner's knee")
    expect(modal).to_be_hidden()
    page.locator("[data-conditions-widget]").scroll_into_view_if_needed()
    shot(page, "02-library-editor-new-condition")
    submit(page, "Library approval")
    approve_first_review(page)
    expect(page.get_by_text("Awaiting your review")).to_have_count(0)
    clinical_review_approves("Kinesio taping")
    article = TreatmentPage.objects.get(title="Kinesio taping", alias_of__isnull=True)
    assert [c.name for c in article.conditions.all()] == ["Runner's knee"]
    assert Condition.objects.get(name="Runner's knee").slug == "runners-knee"

    page.goto(f"{live_server.url}/admin/pages/{library.pk}/")
    page.get_by_role("link", name="Branches showing Kinesio taping").click()
    page.get_by_label("North").check()
    page.get_by_label("South").check()
    page.get_by_role("button", name="Offer at the ticked branches").click()
    expect(page.get_by_text("offered at North, South")).to_be_visible()
    shot(page, "03-library-editor-offered")
    south_alias = offering.branches_carrying(article)[branches["south"].pk]

    page.get_by_role("link", name="Withdraw from South").click()
    expect(page.get_by_text(f"under the same id ({south_alias.pk})")).to_be_visible()
    shot(page, "04-library-editor-withdraw-confirm")
    assert set(offering.branches_carrying(article)) == {branches["north"].pk, branches["south"].pk}
    page.get_by_role("button", name="Yes, withdraw from South").click()
    expect(page.get_by_text("withdrawn from South")).to_be_visible()
    expect(page.locator("tr[data-branch=South]")).to_contain_text(
        f"offering again restores id {south_alias.pk}"
    )
    shot(page, "05-library-editor-withdrawn")
    assert "Kinesio taping" not in api_titles(live_server, "south")
    assert "Kinesio taping" in api_titles(live_server, "north")
    context.close()


def branch_editor_walk(browser, live_server, branches):
    context, page = session(browser, live_server, "north-editor")
    index = treatment_index(branches["north"])
    alias = TreatmentPage.objects.descendant_of(index).get(title="Kinesio taping")
    page.goto(f"{live_server.url}/admin/pages/{alias.pk}/edit/")
    expect(page.locator("[data-alias-content]")).to_contain_text("Elastic tape supports")
    expect(page.locator("[data-alias-content]")).to_contain_text("Runner's knee")
    shot(page, "06-north-editor-reads-library-article")

    page.goto(f"{live_server.url}/admin/pages/add/treatments/treatmentpage/{index.pk}/")
    page.fill("#id_title", "North hydrotherapy")
    page.fill("textarea[name=summary]", "Exercises in warm water.")
    submit(page, "North approval")
    shot(page, "07-north-editor-submitted")

    page.goto(
        f"{live_server.url}/admin/settings/clinics/clinicsettings/{branches['north'].site.pk}/"
    )
    monday = page.locator("[data-contentpath=opening_hours] [data-contentpath=closes]").first
    monday.locator("input").fill("07:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Closing time must be after opening time.")).to_be_visible()
    expect(monday.locator("input")).to_have_value("07:00")
    page.get_by_text("Closing time must be after opening time.").scroll_into_view_if_needed()
    shot(page, "08-north-editor-opening-hours-error")
    context.close()


def moderators_walk(browser, live_server):
    context, page = session(browser, live_server, "south-moderator")
    expect(page.get_by_text("Awaiting your review")).to_have_count(0)
    assert page.get_by_text("North hydrotherapy").count() == 0
    shot(page, "09-south-moderator-dashboard")
    context.close()

    context, page = session(browser, live_server, "north-moderator")
    review = page.locator("section", has_text="Awaiting your review")
    expect(review).to_contain_text("North hydrotherapy")
    shot(page, "10-north-moderator-dashboard")
    review.locator("[data-controller=w-dropdown] button").first.click()
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Awaiting your review")).to_have_count(0)
    shot(page, "11-north-moderator-approved")
    context.close()
    clinical_review_approves("North hydrotherapy")
    assert "North hydrotherapy" in api_titles(live_server, "north")
    assert "North hydrotherapy" not in api_titles(live_server, "south")


def admin_walk(browser, live_server):
    context, page = session(browser, live_server, "admin", ADMIN_PASSWORD)
    page.goto(f"{live_server.url}/admin/reports/reads/")
    expect(page.locator("[data-busiest-day]")).to_have_text("no reads on any day")
    shot(page, "12-admin-reads-report")
    page.get_by_role("button", name="Actions").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path()).read())))
    assert rows[0][-2:] == ["From", "To"]
    context.close()


def test_every_role_does_its_daily_work(live_server, browser, demo):
    library_editor_walk(browser, live_server, demo)
    branch_editor_walk(browser, live_server, demo)
    moderators_walk(browser, live_server)
    admin_walk(browser, live_server)
