"""Media on a real S3-compatible HTTP server (moto, started by the tests).

moto checks ACLs (an anonymous GET of a private object is refused) but it does not check
presigned URLs at all: it accepts an expired or tampered signature. The signed-URL test
therefore proves what moto can (signed works where unsigned is refused) and asserts the
expiry parameters of the URL itself; the store's enforcement is AWS's, not tested here.
"""

import io
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Collection

from cms.models import CustomImage, CustomRendition
from cms.renditions import RENDITION_SIZES
from tests.factories import TreatmentPageFactory
from tests.s3 import image_bytes, s3_client, s3_storage_settings

pytestmark = pytest.mark.django_db


def http_get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - moto on localhost
            headers = {k.lower(): v for k, v in response.headers.items()}
            return response.status, response.read(), headers
    except urllib.error.HTTPError as error:
        return error.code, b"", {}


def upload_image(client, name="needles.jpg", content=None, alt="Needles in the lower back"):
    return client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Dry needling",
            "alt_text": alt,
            "credit": "Photo: A. Lee",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(name, content or image_bytes(), "image/jpeg"),
        },
    )


def bucket_keys(endpoint: str, bucket: str) -> set[str]:
    listing = s3_client(endpoint).list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


def test_admin_upload_lands_on_s3_and_the_api_serves_a_rendition_over_http(
    admin_client, client, s3_media, s3_endpoint, north
):
    """An image uploaded in the admin is stored in the bucket; the API's rendition URL answers."""
    response = upload_image(admin_client)
    assert response.status_code == 302
    image = CustomImage.objects.get()
    assert image.file.name in bucket_keys(s3_endpoint, s3_media)

    article = TreatmentPageFactory(parent=north.index, hero_image=image)
    data = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname).json()

    card = data["hero_image"]["card"]
    assert card["id"] == image.pk
    assert card["alt"] == "Needles in the lower back"
    assert card["credit"] == "Photo: A. Lee"
    assert (card["width"], card["height"]) == (800, 450)
    assert card["url"].startswith(f"{s3_endpoint}/{s3_media}/images/")
    status, body, headers = http_get(card["url"])
    assert status == 200
    assert headers["content-type"] == "image/jpeg"
    assert headers["cache-control"] == "public, max-age=86400"
    assert PILImage.open(io.BytesIO(body)).size == (800, 450)


def test_renditions_are_generated_once_and_reused(admin_client, client, s3_media, north):
    """A second API request reuses the stored renditions instead of making new files."""
    upload_image(admin_client)
    image = CustomImage.objects.get()
    article = TreatmentPageFactory(parent=north.index, hero_image=image)

    first = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname).json()
    assert CustomRendition.objects.filter(image=image).count() == len(RENDITION_SIZES)
    second = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname).json()

    assert CustomRendition.objects.filter(image=image).count() == len(RENDITION_SIZES)
    assert first["hero_image"] == second["hero_image"]


def test_deleting_an_image_in_the_admin_removes_its_files_from_s3(
    admin_client, s3_media, s3_endpoint, django_capture_on_commit_callbacks
):
    """The original and every rendition are deleted from the bucket; their URLs answer 404."""
    upload_image(admin_client)
    image = CustomImage.objects.get()
    renditions = image.get_renditions(*RENDITION_SIZES.values()).values()
    urls = [image.file.url, *(rendition.url for rendition in renditions)]
    assert all(http_get(url)[0] == 200 for url in urls)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("wagtailimages:delete", args=[image.pk]))

    assert response.status_code == 302
    assert not CustomImage.objects.exists()
    assert [http_get(url)[0] for url in urls] == [404] * len(urls)
    assert bucket_keys(s3_endpoint, s3_media) == set()


def test_private_bucket_serves_signed_urls_that_carry_their_expiry(
    admin_client, settings, s3_endpoint, s3_bucket
):
    """Signed URLs work where the plain URL of the same private object is refused."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(
            s3_endpoint,
            s3_bucket,
            querystring_auth=True,
            querystring_expire=60,
            default_acl=None,
        ),
    }
    upload_image(admin_client)
    rendition = CustomImage.objects.get().get_rendition(RENDITION_SIZES["card"])
    signed_at = datetime.now(UTC)

    url = rendition.url
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["60"]
    issued = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs((signed_at - issued).total_seconds()) < 60
    assert "X-Amz-Signature" in query
    assert http_get(url)[0] == 200
    assert http_get(url.split("?")[0])[0] == 403


def test_document_uploaded_in_the_admin_is_served_from_s3(admin_client, s3_media, s3_endpoint):
    """Wagtail's document link redirects to the bucket, which returns the file."""
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Aftercare",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("aftercare.pdf", pdf, "application/pdf"),
        },
    )
    assert response.status_code == 302
    document = get_document_model().objects.get()

    served = admin_client.get(document.url)
    assert served.status_code == 302
    assert served["Location"].startswith(f"{s3_endpoint}/{s3_media}/documents/")
    status, body, _ = http_get(served["Location"])
    assert (status, body) == (200, pdf)


def test_readiness_checks_the_s3_store(client, s3_media):
    response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == "ok"


def test_readiness_reports_an_unreachable_store(client, settings, s3_bucket):
    """A store that refuses connections makes readiness 503, naming storage."""
    from tests.cms.test_health import closed_port

    dead = f"http://127.0.0.1:{closed_port()}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(
            dead, s3_bucket, client_config=_no_retries(), endpoint_url=dead
        ),
    }
    started = time.monotonic()
    response = client.get("/health/ready/")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "redis": "ok", "storage": "error"}
    assert time.monotonic() - started < 30


def _no_retries():
    from botocore.config import Config

    return Config(retries={"max_attempts": 1}, connect_timeout=2)
