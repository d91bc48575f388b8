"""Uploads are refused by content, size and format, with a message the editor can act on."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from cms.forms import content_matches_extension
from cms.models import CustomImage
from tests.s3 import image_bytes, s3_client

pytestmark = pytest.mark.django_db


def multi_upload_image(client, name: str, content: bytes):
    """The admin's "Add an image" page uploads through this endpoint and shows its message."""
    return client.post(
        reverse("wagtailimages:add_multiple"),
        {
            "collection": Collection.get_first_root_node().pk,
            "files[]": SimpleUploadedFile(name, content, "image/jpeg"),
        },
    ).json()


def assert_bucket_empty(endpoint, bucket):
    assert s3_client(endpoint).list_objects_v2(Bucket=bucket).get("KeyCount") == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "notes.jpg",
            b"These are not pixels.\n" * 40,
            "Upload a valid image. The file you uploaded was either not an image",
        ),
        (
            "photo.jpg",
            image_bytes("PNG"),
            "Not a valid .jpeg image. The extension does not match the file format (png)",
        ),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "Not a supported image format. Supported formats: GIF, JPG, JPEG, PNG, WEBP.",
        ),
    ],
    ids=["not-an-image", "spoofed-extension", "svg"],
)
def test_image_upload_is_refused_with_a_clear_message(
    admin_client, s3_media, s3_endpoint, name, content, message
):
    """Nothing is stored: no image row and no object in the bucket."""
    result = multi_upload_image(admin_client, name, content)

    assert result["success"] is False
    assert message in result["error_message"]
    assert not CustomImage.objects.exists()
    assert_bucket_empty(s3_endpoint, s3_media)


def test_too_large_image_is_refused(admin_client, settings, s3_media, s3_endpoint):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 2048
    content = image_bytes("PNG", size=(300, 300), color=None)

    result = multi_upload_image(admin_client, "big.png", content)

    assert result["success"] is False
    assert "This file is too big" in result["error_message"]
    assert "Maximum filesize 2.0\xa0KB" in result["error_message"]
    assert_bucket_empty(s3_endpoint, s3_media)


def test_image_with_too_many_pixels_is_refused(admin_client, settings):
    """A small file can decode to a huge bitmap; the pixel cap refuses it before decoding."""
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 100 * 100

    result = multi_upload_image(admin_client, "wide.png", image_bytes("PNG", size=(200, 100)))

    assert result["success"] is False
    assert "This file has too many pixels (20000). Maximum pixels 10000." in result["error_message"]


def test_image_without_alt_text_is_not_saved(admin_client):
    """Alt text is required: the single upload form re-renders with the field's error."""
    response = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Room",
            "alt_text": "",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("room.jpg", image_bytes(), "image/jpeg"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["alt_text"] == ["This field is required."]
    assert not CustomImage.objects.exists()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def odt_bytes(mimetype=b"application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("extension", "content", "accepted"),
    [
        ("pdf", b"%PDF-1.7\n...", True),
        ("pdf", b"<html><script>alert(1)</script></html>", False),
        ("pdf", b"MZ\x90\x00\x03\x00\x00\x00", False),
        ("docx", docx_bytes(), True),
        ("xlsx", docx_bytes(), False),
        ("docx", b"PK\x03\x04 not really a zip", False),
        ("odt", odt_bytes(), True),
        ("odt", odt_bytes(b"application/x-evil"), False),
        ("rtf", b"{\\rtf1\\ansi Hello}", True),
        ("txt", "Aftercare: rest, water, héat.\n".encode(), True),
        ("csv", b"day,opens\nMon,08:00\n", True),
        ("txt", b"\x7fELF\x02\x01\x01\x00\x00", False),
        ("exe", b"MZ", False),
    ],
)
def test_document_content_must_match_its_extension(extension, content, accepted):
    assert content_matches_extension(io.BytesIO(content), extension) is accepted


def test_renamed_document_is_refused_in_the_admin(admin_client, s3_media, s3_endpoint):
    """An HTML page renamed to .pdf is refused with a message; nothing reaches the bucket."""
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Aftercare",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("aftercare.pdf", b"<html>hi</html>", "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "This file's content is not a .pdf document; it may have been renamed. "
        "Upload the original file."
    ]
    assert not get_document_model().objects.exists()
    assert_bucket_empty(s3_endpoint, s3_media)


def test_document_with_a_disallowed_extension_is_refused(admin_client):
    response = admin_client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Installer",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
        },
    )

    assert response.status_code == 200
    assert "File extension “exe” is not allowed." in response.context["form"].errors["file"][0]
    assert not get_document_model().objects.exists()


def test_a_truncated_png_is_a_form_error_not_a_500(admin_client):
    """A PNG cut off mid-stream (an interrupted upload) gets a message, on both upload forms."""
    whole = image_bytes("PNG", size=(300, 300), color=None)
    truncated = whole[: len(whole) // 2]

    result = multi_upload_image(admin_client, "cut.png", truncated)
    single = admin_client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Cut",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("cut.png", truncated, "image/png"),
        },
    )

    assert result["success"] is False
    assert result["error_message"]
    assert single.status_code == 200  # the form again, with its error
    assert single.context["form"].errors["file"]
    assert not CustomImage.objects.exists()
