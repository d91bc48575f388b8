"""Clinical review in Debian's chromium: a library editor submits a change, the clinical
reviewer approves it in the admin, the API shows the review; then the review falls overdue and
the report and the explorer say so."""

import datetime
import json
import os
import urllib.request

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.models import Workflow, WorkflowPage

from cms.celery import app
from tests.conftest import admin_login
from treatments.governance.models import ArticleReview
from treatments.governance.services import add_clinical_review
from treatments.models import TreatmentPage
from treatments.services import get_or_create_library

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=20_000)

PASSWORD = "editor-pass-123"
CHANGED = "Dry needling releases shortened muscles; most back pain needs 6 to 8 sessions."


def shot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=False)


@pytest.fixture
def demo(monkeypatch, transactional_db):
    """The demo, the library's workflow replaced by one whose only step is clinical review (the
    library editors' own approval step is the clinics app's, walked in its own tests)."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "admin-pass-123")
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", PASSWORD)
    call_command("load_demo", stdout=open(os.devnull, "w"))
    workflow = Workflow.objects.create(name="Library approval")
    WorkflowPage.objects.update_or_create(
        page=get_or_create_library(), defaults={"workflow": workflow}
    )
    add_clinical_review(workflow)
    return TreatmentPage.objects.get(alias_of__isnull=True)


def api(live_server, path):
    request = urllib.request.Request(f"{live_server.url}{path}")  # noqa: S310 - live server
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - live server
        return json.loads(response.read())


def graph_node(data, type_name):
    return next(n for n in data["structured_data"]["@graph"] if n["@type"] == type_name)


def test_the_reviewer_approves_and_an_overdue_review_is_reported(live_server, browser, demo):
    seed = demo
    editor = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    admin_login(editor, live_server, "library-editor", PASSWORD)

    # The library editor changes clinical content and tries to publish: it stays a draft, and
    # from then on the way to publish it is the review workflow.
    editor.goto(f"{live_server.url}/admin/pages/{seed.pk}/edit/")
    editor.fill("textarea[name=summary]", CHANGED)
    editor.locator("footer").get_by_role("button", name="More actions").click()
    editor.locator("footer").get_by_role("button", name="Publish").click()
    expect(editor.get_by_text("Saved as a draft, not published")).to_be_visible()
    shot(editor, "1-editor-publish-refused")
    editor.locator("footer").get_by_role("button", name="More actions").click()
    expect(editor.locator("footer").get_by_role("button", name="Publish")).to_have_count(0)
    shot(editor, "1b-editor-only-review")
    editor.get_by_role("button", name="Submit to Library approval").click()
    expect(editor.get_by_text("has been submitted for moderation")).to_be_visible()
    shot(editor, "2-editor-submitted")
    assert TreatmentPage.objects.get(pk=seed.pk).summary != CHANGED

    # The reviewer finds it awaiting review and approves it, setting the next review date.
    reviewer = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    admin_login(reviewer, live_server, "clinical-reviewer", PASSWORD)
    expect(reviewer.get_by_text("Awaiting your review")).to_be_visible()
    shot(reviewer, "3-reviewer-dashboard")
    reviewer.goto(f"{live_server.url}/admin/pages/{seed.pk}/edit/")
    reviewer.locator("footer").get_by_role("button", name="More actions").click()
    reviewer.get_by_role("button", name="Approve with comment or review date").click()
    next_review = timezone.localdate() + datetime.timedelta(days=180)
    reviewer.fill("textarea[name=comment]", "Session numbers match current guidance.")
    reviewer.fill("input[name=next_review]", next_review.isoformat())
    shot(reviewer, "4-reviewer-approves")
    reviewer.locator(".modal").get_by_role(
        "button", name="Approve with comment or review date"
    ).click()
    expect(reviewer).to_have_url(f"{live_server.url}/admin/")
    expect(reviewer.get_by_text("has been updated").first).to_be_visible()
    expect(reviewer.get_by_text("you do not have permission")).to_have_count(0)
    reviewer.get_by_text("has been updated").first.scroll_into_view_if_needed()
    shot(reviewer, "5-reviewer-approved")

    review = ArticleReview.objects.get(page=seed)
    assert review.reviewed_by.user.username == "clinical-reviewer"
    assert review.next_review == next_review
    assert TreatmentPage.objects.get(pk=seed.pk).summary == CHANGED

    # The branch's API answer carries the review.
    north_alias = TreatmentPage.objects.get(alias_of=seed, url_path__startswith="/north/")
    data = api(
        live_server, f"/api/v2/pages/{north_alias.pk}/?clinic=north&fields=summary,structured_data"
    )
    assert data["summary"] == CHANGED
    page_node = graph_node(data, "MedicalWebPage")
    assert page_node["lastReviewed"] == timezone.localdate().isoformat()
    assert page_node["reviewedBy"]["name"] == "Dr Amira Haddad"
    assert graph_node(data, "MedicalClinic")["telephone"] == "+44 20 7946 0001"

    # Time passes: the daily task flags the review overdue; the report and explorer show it.
    ArticleReview.objects.filter(pk=review.pk).update(
        next_review=timezone.localdate() - datetime.timedelta(days=3)
    )
    app.loader.import_default_modules()
    assert app.tasks["treatments.governance.tasks.flag_due_reviews"].apply().get() == 1
    reviewer.goto(f"{live_server.url}/admin/reports/reviews-due/")
    rows = reviewer.locator("main table.listing tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("North")
    expect(rows.first).to_contain_text("Clinical review overdue")
    expect(rows.nth(1)).to_contain_text("South")
    shot(reviewer, "6-review-due-report-overdue")
    editor.goto(f"{live_server.url}/admin/pages/{seed.get_parent().pk}/")
    expect(editor.get_by_text("Clinical review overdue")).to_be_visible()
    shot(editor, "7-explorer-overdue-tag")
