import json
import os
import urllib.request

import pytest
from django.contrib.auth import get_user_model

from cms.models import CustomImage
from tests.conftest import admin_login
from tests.factories import TreatmentPageFactory, reviewed
from tests.s3 import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=False)


def fetch(url: str, host: str | None = None) -> tuple[int, bytes, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - localhost
        return response.status, response.read(), response.headers.get("Content-Type")


def test_image_uploaded_in_the_admin_reaches_the_api_as_an_s3_rendition(
    live_server, browser_page, s3_media, s3_endpoint, north, tmp_path
):
    """An editor uploads a photo with alt text, sets it as an article's hero and publishes;
    the API's rendition URL answers 200 from the S3 server with the resized image."""
    get_user_model().objects.create_superuser("editor", "editor@example.com", "editor-pass-1")
    # Clinically reviewed: a hero image is no clinical change, so the editor may publish it.
    article = reviewed(TreatmentPageFactory(parent=north.index, title="Dry needling"))
    photo = tmp_path / "needles.jpg"
    photo.write_bytes(image_bytes(size=(1600, 1000)))
    page = browser_page
    admin_login(page, live_server, "editor", "editor-pass-1")

    page.goto(f"{live_server.url}/admin/images/multiple/add/")
    page.set_input_files("input[type=file]", str(photo))
    alt = page.locator("input[name$='alt_text']")
    alt.wait_for()
    shoot(page, "media-1-uploaded")
    alt.fill("Thin needles placed along the lower back")
    page.locator("input[name$='credit']").fill("Photo: North Clinic")
    page.get_by_role("button", name="Update").click()
    page.locator(".messages").get_by_text("Image updated.").wait_for()
    shoot(page, "media-2-updated")
    image = CustomImage.objects.get()
    assert image.alt_text == "Thin needles placed along the lower back"
    assert image.file.url.startswith(f"{s3_endpoint}/{s3_media}/original_images/")

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.get_by_role("button", name="Choose an image").first.click()
    page.locator("a[data-chooser-modal-choice]", has_text="needles.jpg").click()
    page.locator(".modal").wait_for(state="hidden")
    shoot(page, "media-3-hero-chosen")
    page.get_by_role("button", name="More actions").click()
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("has been published").first.wait_for()
    shoot(page, "media-4-published")

    article.refresh_from_db()
    assert article.live and article.hero_image_id == image.pk
    url = f"{live_server.url}/api/v2/pages/{article.pk}/"
    status, body, _ = fetch(url, host=north.site.hostname)
    assert status == 200
    hero = json.loads(body)["hero_image"]
    assert hero["card"]["alt"] == "Thin needles placed along the lower back"
    assert hero["card"]["credit"] == "Photo: North Clinic"
    rendition_url = hero["card"]["url"]
    assert rendition_url.startswith(f"{s3_endpoint}/{s3_media}/images/")
    status, body, content_type = fetch(rendition_url)
    assert (status, content_type) == (200, "image/jpeg")
    assert body.startswith(b"\xff\xd8")  # JPEG bytes, served by the S3 server
    page.goto(rendition_url)
    shoot(page, "media-5-rendition-from-s3")
