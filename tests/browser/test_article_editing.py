import os

import pytest
from django.core.management import call_command

from tests.conftest import admin_login
from treatments.models import TreatmentPage

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_editor_sees_the_seed_article_as_structured_content(
    live_server, browser_page, monkeypatch, tmp_path
):
    """The seed's edit page shows its questions, session guidance and other names as fields."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    call_command("load_demo")
    article = TreatmentPage.objects.get(alias_of__isnull=True)
    page = browser_page
    admin_login(page, live_server, "admin", "demo-pass-123")

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")

    page.get_by_text("Is dry needle (IMS) treatment an acupuncture method?").first.wait_for()
    assert page.locator("input[value='Lower back pain']").count() == 1
    assert page.locator("input[value='IMS']").count() == 1
    notes = page.locator("textarea[name=editor_notes]").input_value()
    assert "Unanswered question: In which cases" in notes
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/article-edit.png", full_page=False)
