"""Serializer fields whose URLs come from the request, not from a fixed base URL.

Wagtail builds ``detail_url``, document ``download_url`` and the ``find`` redirect from
``WAGTAILAPI_BASE_URL`` (else the default Site's root URL), so every answer pointed at
``http://localhost:8000`` whatever host served it. Here the scheme and host are the request's
(behind a proxy, ``SECURE_PROXY_SSL_HEADER`` tells the scheme), unless the operator sets
``WAGTAILAPI_BASE_URL`` to name one public address for the API.
"""

from django.conf import settings
from rest_framework.fields import SkipField
from wagtail.api.v2.serializers import (
    DetailUrlField,
    PageAliasOfField,
    PageParentField,
    PageSerializer,
    get_serializer_class,
)
from wagtail.api.v2.utils import get_full_url
from wagtail.documents.api.v2.serializers import DocumentDownloadUrlField, DocumentSerializer
from wagtail.images.api.v2.serializers import ImageSerializer

from .local import without_hidden_questions


def absolute_url(request, path: str) -> str:
    """``path`` on the API's public address: the configured base URL, else the request's."""
    if settings.WAGTAILAPI_BASE_URL:
        return get_full_url(request, path)
    return request.build_absolute_uri(path)


def detail_url(request, router, model, pk: int) -> str | None:
    path = router.get_object_detail_urlpath(model, pk)
    return absolute_url(request, path) if path else None


class RequestDetailUrlField(DetailUrlField):
    """``"detail_url": "https://api.example.org/api/v2/pages/12/"``, on the request's host."""

    def get_attribute(self, instance):
        url = detail_url(
            self.context["request"], self.context["router"], type(instance), instance.pk
        )
        if url is None:
            raise SkipField
        return url


class RequestDocumentDownloadUrlField(DocumentDownloadUrlField):
    """``"download_url": "https://api.example.org/documents/3/price-list.pdf"``."""

    def to_representation(self, document):
        return absolute_url(self.context["request"], document.url)


def _linked_page(serializer_field, value):
    """The short form of a linked page (parent, alias_of), with this module's URLs."""
    serializer_class = get_serializer_class(
        value.__class__,
        ["id", "type", "detail_url", "html_url", "title"],
        meta_fields=["type", "detail_url", "html_url"],
        base=ClinicPageSerializer,
    )
    return serializer_class(context=serializer_field.context).to_representation(value)


class ClinicParentField(PageParentField):
    def to_representation(self, value):
        return _linked_page(self, value)


class ClinicAliasOfField(PageAliasOfField):
    """``"alias_of": {"id": 4, "meta": {...}, "title": "Dry needling"}``: the library original.

    Its ``html_url`` is null (the library is on no site) and its ``detail_url`` answers 404 at
    a clinic; clients use it to tell branches' copies of one article apart.
    """

    def to_representation(self, value):
        return _linked_page(self, value)


class ClinicPageSerializer(PageSerializer):
    detail_url = RequestDetailUrlField(read_only=True)
    parent = ClinicParentField(read_only=True)
    alias_of = ClinicAliasOfField(read_only=True)

    def to_representation(self, instance):
        # A branch's hidden questions are left out of its copy of the article only.
        return without_hidden_questions(instance, super().to_representation(instance))


class RequestUrlImageSerializer(ImageSerializer):
    detail_url = RequestDetailUrlField(read_only=True)


class RequestUrlDocumentSerializer(DocumentSerializer):
    detail_url = RequestDetailUrlField(read_only=True)
    download_url = RequestDocumentDownloadUrlField(read_only=True)
