import mimetypes
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = [pytest.mark.browser]

ORIGIN = "http://testserver"


def serve_through_django(client):
    """Answer the browser's requests with Django's test client and the static finders.

    No live server: its transactional test would flush the database afterwards, page tree
    root included, for every test after it. The docs page needs no database.
    """

    def serve(route):
        url = route.request.url
        if not url.startswith(ORIGIN):
            route.abort()  # web fonts and the like; the page must work without them
            return
        path = url.removeprefix(ORIGIN)
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL).split("?")[0])
            content_type = mimetypes.guess_type(found or "")[0] or "application/octet-stream"
            route.fulfill(status=200, body=Path(found).read_bytes(), content_type=content_type)
            return
        response = client.get(path)
        route.fulfill(
            status=response.status_code,
            body=response.content,
            content_type=response["Content-Type"],
        )

    return serve


def test_partner_reads_the_api_docs_page(client, browser_page):
    """The docs page renders every endpoint with Redoc's script from our own static files."""
    page = browser_page
    page.route("**/*", serve_through_django(client))
    elsewhere = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((ORIGIN, "data:", "blob:"))
            else elsewhere.append(request.url)
        ),
    )

    page.goto(f"{ORIGIN}/api/docs/")

    page.locator("h2", has_text="List a clinic's pages").first.wait_for()
    for summary in ("One page of a clinic", "The clinic branches", "List images"):
        assert page.locator("h2", has_text=summary).count() == 1
    page.locator("text=API docs by Redocly").wait_for()
    assert elsewhere == []  # no font, logo or script from another site
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/api-docs.png", full_page=False)
