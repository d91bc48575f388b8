import os

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_reads_the_api_docs_page(live_server, browser_page):
    """The docs page renders every endpoint with Redoc's script from our own static files."""
    page = browser_page
    scripts = []
    page.on(
        "request",
        lambda request: scripts.append(request.url) if request.resource_type == "script" else None,
    )

    page.goto(f"{live_server.url}/api/docs/")

    page.locator("h2", has_text="List a clinic's pages").first.wait_for()
    for summary in ("One page of a clinic", "The clinic branches", "List images"):
        assert page.locator("h2", has_text=summary).count() == 1
    assert scripts
    assert all(url.startswith((live_server.url, "blob:")) for url in scripts), scripts
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/api-docs.png", full_page=False)
