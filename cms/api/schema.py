"""The OpenAPI description of the public API (``/api/schema/``, browsable at ``/api/docs/``).

Wagtail builds its serializers per request from ``?type=`` and ``?fields=``, which no schema
generator can introspect; the shapes are written out here instead. They describe every field an
answer can hold; which ones appear depends on ``fields``.
"""

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents import get_document_model
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Page, get_page_models

from treatments.serializers import ConditionSerializer

from .filters import MAX_PARAM_LENGTH


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "cms.api.throttling.PartnerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "X-API-Key"}


class MessageSerializer(serializers.Serializer):
    """Every error: ``{"message": "unknown clinic: 'nowhere'"}``."""

    message = serializers.CharField()


class ListingMetaSerializer(serializers.Serializer):
    total_count = serializers.IntegerField()


class ItemMetaSerializer(serializers.Serializer):
    """Always shown unless ``fields`` removes them (``fields=*,-type``), as stock allows."""

    type = serializers.CharField(required=False)
    detail_url = serializers.URLField(required=False)


class LinkedPageMetaSerializer(ItemMetaSerializer):
    html_url = serializers.CharField(allow_null=True)


class LinkedPageSerializer(serializers.Serializer):
    """``{"id": 4, "meta": {"type", "detail_url", "html_url"}, "title": "Dry needling"}``"""

    id = serializers.IntegerField()
    meta = LinkedPageMetaSerializer()
    title = serializers.CharField()


class RenditionSerializer(serializers.Serializer):
    """One size of an image, ready for ``<img>``."""

    id = serializers.IntegerField()
    alt = serializers.CharField(allow_blank=True)
    credit = serializers.CharField(allow_blank=True)
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.CharField()


class ImageRenditionsSerializer(serializers.Serializer):
    """An image in the named sizes: ``{"thumbnail": {...}, "card": {...}, "hero": {...}}``."""

    thumbnail = RenditionSerializer()
    card = RenditionSerializer()
    hero = RenditionSerializer()


class GalleryItemSerializer(serializers.Serializer):
    """``{"caption": "The treatment room", "image": {<sizes>}}``"""

    caption = serializers.CharField(allow_blank=True)
    image = ImageRenditionsSerializer(allow_null=True)


class PageMetaSerializer(ItemMetaSerializer):
    html_url = serializers.CharField(allow_null=True, required=False)
    slug = serializers.CharField(required=False)
    show_in_menus = serializers.BooleanField(required=False)
    seo_title = serializers.CharField(required=False)
    search_description = serializers.CharField(required=False)
    first_published_at = serializers.DateTimeField(allow_null=True, required=False)
    locale = serializers.CharField(required=False)
    parent = LinkedPageSerializer(allow_null=True, required=False)
    alias_of = LinkedPageSerializer(
        allow_null=True,
        required=False,
        help_text="The library original a branch's copy shows (null for a page of its own).",
    )


class ChildMetaSerializer(serializers.Serializer):
    type = serializers.CharField()


class OtherNameSerializer(serializers.Serializer):
    """``{"id": 1, "meta": {"type": "treatments.TreatmentOtherName"}, "name": "IMS"}``"""

    id = serializers.IntegerField()
    meta = ChildMetaSerializer()
    name = serializers.CharField()


class SessionGuidanceSerializer(serializers.Serializer):
    """``{"condition": "Lower back pain", "min_sessions": 6, "max_sessions": 8, "note": ""}``"""

    id = serializers.IntegerField()
    meta = ChildMetaSerializer()
    condition = serializers.CharField()
    min_sessions = serializers.IntegerField(allow_null=True)
    max_sessions = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(allow_blank=True)


class BodyBlockSerializer(serializers.Serializer):
    """A section: ``question`` (``{"question", "answer" (HTML), "answered"}``) or ``paragraph``
    (HTML). Links in the HTML point to the clinic's public pages."""

    type = serializers.ChoiceField(choices=["question", "paragraph"])
    value = serializers.JSONField()
    id = serializers.CharField()


class PractitionerSerializer(serializers.Serializer):
    """``{"name": "Dr. A. Lee", "title": "Physiotherapist", "photo": {<sizes>} or null}``"""

    name = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    photo = ImageRenditionsSerializer(allow_null=True)


class LocalContentSerializer(serializers.Serializer):
    """What the branch adds to a shared article (its published version only).

    Render ``intro`` before the shared text and ``closing`` after it. Questions the branch
    hides are already left out of ``body``.
    """

    intro = serializers.CharField(allow_blank=True, help_text="HTML.")
    closing = serializers.CharField(allow_blank=True, help_text="HTML.")
    practitioners = PractitionerSerializer(many=True)
    offered_times = serializers.CharField(allow_blank=True)
    price_note = serializers.CharField(allow_blank=True)
    booking_url = serializers.CharField(allow_blank=True)


class PageSerializer(serializers.Serializer):
    """A page; treatment articles (``type=treatments.TreatmentPage``) add the article fields."""

    id = serializers.IntegerField()
    meta = PageMetaSerializer()
    title = serializers.CharField(required=False)
    summary = serializers.CharField(required=False)
    other_names = OtherNameSerializer(many=True, required=False)
    body = BodyBlockSerializer(many=True, required=False)
    sessions_per_week = serializers.IntegerField(allow_null=True, required=False)
    session_guidance = SessionGuidanceSerializer(many=True, required=False)
    conditions = ConditionSerializer(many=True, required=False)
    read_count = serializers.IntegerField(required=False)
    read_count_refreshed_at = serializers.DateTimeField(allow_null=True, required=False)
    hero_image = ImageRenditionsSerializer(allow_null=True, required=False)
    gallery_images = GalleryItemSerializer(many=True, required=False)
    structured_data = serializers.JSONField(
        required=False,
        help_text=(
            'schema.org JSON-LD to paste into a <script type="application/ld+json">: '
            '{"@context": "https://schema.org", "@graph": [...]} with a MedicalWebPage '
            "(lastReviewed and reviewedBy once clinically reviewed; about: a PhysicalTherapy "
            "and the MedicalConditions it treats), an FAQPage of the answered questions, and "
            "the clinic as a MedicalClinic (address, telephone, openingHoursSpecification, "
            "booking as a ReserveAction)."
        ),
    )
    local = LocalContentSerializer(
        allow_null=True,
        required=False,
        help_text=(
            "A library article at a branch: the branch's own additions (null when it has none)."
        ),
    )
    intro = serializers.CharField(required=False)


class PageListingSerializer(serializers.Serializer):
    meta = ListingMetaSerializer()
    items = PageSerializer(many=True)


class MediaMetaSerializer(ItemMetaSerializer):
    tags = serializers.ListField(child=serializers.CharField(), required=False)
    download_url = serializers.CharField(required=False)


class MediaSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meta = MediaMetaSerializer()
    title = serializers.CharField(required=False)
    width = serializers.IntegerField(required=False)
    height = serializers.IntegerField(required=False)


class MediaListingSerializer(serializers.Serializer):
    meta = ListingMetaSerializer()
    items = MediaSerializer(many=True)


# Every text parameter: no NUL (PostgreSQL cannot store it) and not absurdly long.
TEXT = {"type": "string", "pattern": "^[^\\x00]*$", "maxLength": MAX_PARAM_LENGTH}
# A page id as the tree filters take it: within the integer column, no sign, no leading zero.
PAGE_ID = "[1-9][0-9]{0,8}"


def _query(name, description, schema=None, **kwargs):
    return OpenApiParameter(
        name, schema or TEXT, OpenApiParameter.QUERY, description=description, **kwargs
    )


def _choice(*names: str) -> str:
    return "(" + "|".join(re.escape(name) for name in names) + ")"


def fields_schema(names: list[str]) -> dict:
    """``fields`` as Wagtail parses it: names to add and ``-name`` to remove; or ``*`` (all)
    then only removals; or ``_`` (none) then only additions. Wagtail's nested
    ``name(sub,fields)`` is accepted too but not described."""
    name = _choice(*names)
    item = "-?" + name
    choices = [f"_(,{name})*", f"\\*(,-{name})*", f"{item}(,{item})*"]
    return {**TEXT, "pattern": "^(" + "|".join(choices) + ")?$"}


def order_schema(names: list[str]) -> dict:
    """``order``: ``random``, or fields with ``-`` for descending; empty keeps the default."""
    term = "-?" + _choice(*names)
    return {**TEXT, "pattern": f"^(random|{term}(,{term})*)?$"}


def _page_fields(*, detail: bool) -> list[str]:
    names = PagesAPIViewSet.get_available_fields(Page)
    return [name for name in names if detail or name not in PagesAPIViewSet.detail_only_fields]


def _page_orders() -> list[str]:
    db_fields = PagesAPIViewSet.get_available_fields(Page, db_fields_only=True)
    return [name for name in db_fields if name != "locale"] + ["read_count"]


def _media_fields(viewset, model) -> list[str]:
    return viewset.get_available_fields(model)


def _media_orders(viewset, model) -> list[str]:
    names = viewset.get_available_fields(model, db_fields_only=True)
    return [name for name in names if not model._meta.get_field(name).many_to_many]


def page_types() -> list[str]:
    """``type``: every page model, as ``app_label.ModelName``; empty means any."""
    return ["", *sorted(model._meta.label for model in get_page_models())]


CLINIC = _query(
    "clinic",
    "A clinic's slug or hostname. Without it, the clinic whose Site serves the request's "
    "hostname; a hostname of no clinic answers 400, a clinic nobody has 404.",
    {**TEXT, "minLength": 1},
)
SITE = _query(
    "site",
    "Stock Wagtail's site filter: a clinic's hostname (and port); ``clinic`` wins, empty is "
    "ignored.",
)
RICH_TEXT_FORMAT = _query(
    "rich_text_format",
    "Rich text output: html (default; links to the clinic's pages), markdown, or the "
    "database's db_html and db_markdown",
    {"type": "string", "enum": ["html", "markdown", "db_html", "db_markdown"]},
)
LIMIT = _query(
    "limit", "Items per page (default 20)", {"type": "integer", "minimum": 0, "maximum": 100}
)
OFFSET = _query(
    "offset",
    "Items to skip; past the last item the answer has none",
    {"type": "integer", "minimum": 0},
)
SEARCH = _query("search", "Full-text search: titles, summaries, answers, other names")
SEARCH_OPERATOR = _query(
    "search_operator", "How search terms combine", {"type": "string", "enum": ["and", "or"]}
)


def listing_parameters(field_names: list[str], order_names: list[str]) -> list:
    """What every listing takes: fields, paging, ordering and search."""
    return [
        _query(
            "fields",
            "Fields to add or (with -) remove, e.g. title or *",
            fields_schema(field_names),
        ),
        LIMIT,
        OFFSET,
        _query(
            "order",
            "Comma-separated fields, - for descending, or random",
            order_schema(order_names),
        ),
        SEARCH,
        SEARCH_OPERATOR,
    ]


ERRORS = {
    400: OpenApiResponse(MessageSerializer, "Bad input"),
    404: OpenApiResponse(MessageSerializer, "Not found"),
    429: OpenApiResponse(MessageSerializer, "Too many requests"),
}
CONDITIONAL = {304: OpenApiResponse(description="Not modified (If-None-Match / If-Modified-Since)")}


def _page_id(name, description, *, root: bool):
    pattern = f"^(root|{PAGE_ID})$" if root else f"^{PAGE_ID}$"
    return _query(name, description, {"type": "string", "pattern": pattern})


pages_listing = extend_schema(
    operation_id="pages_list",
    summary="List a clinic's pages",
    description=(
        "Live, public pages of one clinic: drafts, private pages and other branches' pages "
        "are never listed. ``type=treatments.TreatmentPage&fields=*`` gives full articles "
        "(with ``type``, that type's fields may be named in ``fields``, ``order`` and as "
        "filters too)."
    ),
    parameters=[
        CLINIC,
        SITE,
        _query(
            "type",
            "Page type, e.g. treatments.TreatmentPage",
            {"type": "string", "enum": page_types()},
        ),
        *listing_parameters(_page_fields(detail=False), _page_orders()),
        _page_id("child_of", "Children of this page id (or root)", root=True),
        _page_id("descendant_of", "Descendants of this page id (or root)", root=True),
        _page_id("ancestor_of", "Ancestors of this page id", root=False),
        _query("title", "Exact title"),
        _query("slug", "Exact slug"),
        RICH_TEXT_FORMAT,
    ],
    responses={200: PageListingSerializer, **CONDITIONAL, **ERRORS},
)
pages_detail = extend_schema(
    operation_id="pages_detail",
    summary="One page of a clinic",
    description=(
        "Answers are HTML; internal links point to the clinic's own public URLs. "
        "``read_count`` is the article's total across every branch. Other query parameters "
        "are ignored, as in stock Wagtail."
    ),
    parameters=[
        OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Page id"),
        CLINIC,
        SITE,
        _query(
            "fields", "Fields to add or (with -) remove", fields_schema(_page_fields(detail=True))
        ),
        RICH_TEXT_FORMAT,
    ],
    responses={200: PageSerializer, **CONDITIONAL, **ERRORS},
)
pages_find = extend_schema(
    operation_id="pages_find",
    summary="Find a clinic's page by id or path; redirects to its detail URL",
    description=(
        "Pass ``id`` or ``html_path`` (it wins); other query parameters are kept in the "
        "redirect. Nothing found, or nothing to find by: 404."
    ),
    parameters=[
        CLINIC,
        SITE,
        _query("id", "Page id; one no page has is a 404", {"type": "integer"}),
        _query("html_path", "The page's path on the clinic's site, e.g. /treatments/ims/"),
    ],
    responses={302: OpenApiResponse(description="Redirect to the detail URL"), **ERRORS},
)


def _media(kind: str):
    if kind == "images":
        return ImagesAPIViewSet, get_image_model()
    return DocumentsAPIViewSet, get_document_model()


class TombstoneSerializer(serializers.Serializer):
    """A page that left the clinic's content:
    ``{"id": 42, "type": "treatments.TreatmentPage", "at": "...", "reason": "withdrawn"}``"""

    id = serializers.IntegerField()
    type = serializers.CharField()
    at = serializers.DateTimeField()
    reason = serializers.ChoiceField(
        choices=["unpublished", "withdrawn", "deleted", "private", "moved"]
    )


class SyncSerializer(serializers.Serializer):
    """One page of a sync: exactly one of ``next_token`` and ``sync_token`` is set."""

    clinic = serializers.CharField()
    upserts = PageSerializer(
        many=True,
        help_text="Pages to add or replace, as ``/api/v2/pages/?type=<meta.type>&fields=*``.",
    )
    tombstones = TombstoneSerializer(many=True, help_text="Pages to remove.")
    next_token = serializers.CharField(
        allow_null=True, help_text="More of this sync: ask again with it at once."
    )
    sync_token = serializers.CharField(
        allow_null=True, help_text="Done: keep it, and ask with it for what changes next."
    )


sync_listing = extend_schema(
    operation_id="sync_list",
    summary="A clinic's content, then what changed since",
    description=(
        "Without ``token``: every live, public page of the clinic, by id, with ``next_token`` "
        "until the last page, which gives ``sync_token``. With a token: the pages changed "
        "since it was issued, as they are now (``upserts``) or as gone (``tombstones``), one "
        "entry per page. Nothing that commits during a sync is lost: it comes in a later "
        "answer. Read counts alone are no change; ``include=read_count`` adds them. Answers "
        "are not cacheable (``no-store``)."
    ),
    parameters=[
        CLINIC,
        SITE,
        _query(
            "token",
            "A next_token or sync_token from an earlier answer of this clinic; one that is "
            "tampered with or another clinic's is a 400, an expired one a 410.",
            {**TEXT, "minLength": 1},
        ),
        _query(
            "limit",
            "Pages per answer (default 20)",
            {"type": "integer", "minimum": 1, "maximum": 100},
        ),
        _query(
            "include", "read_count: add read counts", {"type": "string", "enum": ["read_count"]}
        ),
    ],
    responses={
        200: SyncSerializer,
        **ERRORS,
        410: OpenApiResponse(MessageSerializer, "Token expired: start over without a token"),
    },
)


MEDIA_CLINIC = _query(
    "clinic",
    "A clinic's slug or hostname: its media with the library's and the public ones. Without "
    "it, the clinic serving the request's hostname, else the library's and public ones only.",
    {**TEXT, "minLength": 1},
)


def media_listing(kind: str):
    viewset, model = _media(kind)
    return extend_schema(
        operation_id=f"{kind}_list",
        summary=f"List {kind}",
        description=f"{kind.capitalize()} in public collections, scoped to one clinic.",
        parameters=[
            MEDIA_CLINIC,
            *listing_parameters(_media_fields(viewset, model), _media_orders(viewset, model)),
            _query("title", "Exact title"),
        ],
        responses={200: MediaListingSerializer, **CONDITIONAL, **ERRORS},
    )


def media_detail(kind: str):
    viewset, model = _media(kind)
    return extend_schema(
        operation_id=f"{kind}_detail",
        summary=f"One of the {kind}",
        description=f"One of the {kind} in a public collection; other parameters are ignored.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            MEDIA_CLINIC,
            _query(
                "fields",
                "Fields to add or (with -) remove",
                fields_schema(_media_fields(viewset, model)),
            ),
        ],
        responses={200: MediaSerializer, **CONDITIONAL, **ERRORS},
    )


def media_find(kind: str):
    return extend_schema(
        operation_id=f"{kind}_find",
        summary=f"Find one of the {kind} by id; redirects to its detail URL",
        description="Pass ``id``; none found (or none given): 404.",
        parameters=[
            MEDIA_CLINIC,
            _query("id", "Id; one nothing has is a 404", {"type": "integer"}),
        ],
        responses={302: OpenApiResponse(description="Redirect to the detail URL"), **ERRORS},
    )


def public_endpoints_only(endpoints):
    """The schema documents the partner API, not Wagtail's admin API or the schema itself."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v2/")]


def _message(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}},
    }


def document_read_beacon(result, generator, request, public):
    """Add the read beacon, a plain Django view (no DRF on its zero-SQL path), to the schema."""
    if "Message" not in result.get("components", {}).get("schemas", {}):
        result.setdefault("components", {}).setdefault("schemas", {})["Message"] = {
            "type": "object",
            "properties": {"message": {"type": "string"}},
            "required": ["message"],
        }
    result["paths"]["/api/v2/pages/{id}/read/"] = {
        "post": {
            "operationId": "pages_read_create",
            "summary": "Count one read of a page",
            "description": (
                "Records one read of the page as its branch serves it; send it with "
                "navigator.sendBeacon (any body, text/plain allowed, is ignored). The branch is "
                "``clinic`` (a slug or hostname), else the one whose site serves the request's "
                "hostname: a partner's page on its own domain sends ``?clinic=``. Crawlers and "
                "reloads within the window answer 204 without being counted."
            ),
            "tags": ["pages"],
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer"},
                    "description": "The page id as the branch serves it (an alias or its own).",
                },
                {
                    "name": "clinic",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "minLength": 1},
                    "description": "The branch's slug or hostname; default: the request's host.",
                },
            ],
            "security": [{}],
            "responses": {
                "204": {"description": "Read recorded (or deliberately not counted)."},
                "404": _message("No live page with this id at a branch."),
                "429": _message("Too many reads from this client; see Retry-After."),
                "503": _message("Reads cannot be counted right now; retry after Retry-After."),
            },
        }
    }
    return result


# Where a client goes from an answer: the first item of a listing to its detail and, for
# pages, to its read history. Schemathesis follows these in its stateful runs.
LINKS = {
    ("/api/v2/pages/", "pages_detail", "id", "items/0/id"): "detail",
    ("/api/v2/pages/", "pages_reads_retrieve", "id", "items/0/id"): "reads",
    ("/api/v2/images/", "images_detail", "id", "items/0/id"): "detail",
    ("/api/v2/documents/", "documents_detail", "id", "items/0/id"): "detail",
    ("/api/v2/clinics/", "clinics_detail", "slug", "items/0/slug"): "detail",
}


def add_links(result, generator, request, public):
    """OpenAPI links from each listing's 200 to what its items lead to."""
    for (path, operation_id, parameter, pointer), name in LINKS.items():
        answer = result["paths"][path]["get"]["responses"]["200"]
        answer.setdefault("links", {})[name] = {
            "operationId": operation_id,
            "parameters": {parameter: f"$response.body#/{pointer}"},
        }
    return result
