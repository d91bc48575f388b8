"""Admin upload forms: documents are checked by their content, not only by their name.

Wagtail checks images itself (Willow opens the file; the extension must match the format,
size and pixel count are capped), but a file Pillow cannot finish reading (a PNG cut off
mid-upload) raised out of that check as a 500: ``ImageForm`` refuses it as not an image.
Documents only get an extension check, so a renamed executable or HTML page would pass as
``report.pdf``; partners then serve it from our bucket.
"""

import os
import zipfile

from django.core.exceptions import ValidationError
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

# Office formats are zip archives; each kind is recognised by a member only it has.
_OOXML_PART = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
_ODF_MIMETYPE = {"odt": b"application/vnd.oasis.opendocument.text"}
_SNIFF_BYTES = 8192


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        return exc.start >= len(head) - 3
    return True


def _zip_has(file, prefix: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            return any(name.startswith(prefix) for name in archive.namelist())
    except zipfile.BadZipFile:
        return False


def _odf_mimetype(file) -> bytes:
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.read("mimetype").strip()
    except (zipfile.BadZipFile, KeyError):
        return b""


def content_matches_extension(file, extension: str) -> bool:
    """True when the file's bytes are what its extension claims."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "rtf":
        return head.startswith(b"{\\rtf")
    if extension in ("csv", "txt"):
        return _is_text(head)
    if extension in _OOXML_PART:
        matches = head.startswith(b"PK\x03\x04") and _zip_has(file, _OOXML_PART[extension])
    elif extension in _ODF_MIMETYPE:
        matches = head.startswith(b"PK\x03\x04") and (
            _odf_mimetype(file) == _ODF_MIMETYPE[extension]
        )
    else:
        return False
    file.seek(0)
    return matches


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form, refusing files whose content contradicts their extension."""

    def _post_clean(self):
        # After the model's own checks: a file they already refused (say, a disallowed
        # extension) keeps their message alone, and an accepted one is then sniffed.
        super()._post_clean()
        file = self.cleaned_data.get("file")
        if not file or "file" not in self.changed_data or self.has_error("file"):
            return
        extension = os.path.splitext(file.name)[1].lower().lstrip(".")
        if not content_matches_extension(file, extension):
            self.add_error(
                "file",
                ValidationError(
                    "This file's content is not a .%(extension)s document; "
                    "it may have been renamed. Upload the original file.",
                    code="content_mismatch",
                    params={"extension": extension},
                ),
            )


class UploadedImageField(WagtailImageField):
    """Wagtail's image field; an image whose data ends early is "not a valid image"."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except OSError as e:  # Pillow: "image file is truncated", while counting frames
            raise ValidationError(self.error_messages["invalid_image"], code="invalid_image") from e


class ImageForm(BaseImageForm):
    """Wagtail's image form (single and multiple upload) with ``UploadedImageField``.

    Made per form, not declared on the class: the field reads the upload limits from settings
    when it is made.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            made = self.fields["file"]
            self.fields["file"] = UploadedImageField(
                label=made.label, required=made.required, widget=made.widget
            )
