"""The OpenAPI description of the public API (``/api/schema/``, browsable at ``/api/docs/``).

Wagtail builds its serializers per request from ``?type=`` and ``?fields=``, which no schema
generator can introspect; the shapes are written out here instead. They describe every field an
answer can hold; which ones appear depends on ``fields``.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from treatments.serializers import ConditionSerializer

from .filters import MAX_ID


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
    type = serializers.CharField()
    detail_url = serializers.URLField()


class ParentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    meta = serializers.DictField()
    title = serializers.CharField()


class PageMetaSerializer(ItemMetaSerializer):
    html_url = serializers.CharField(allow_null=True, required=False)
    slug = serializers.CharField(required=False)
    show_in_menus = serializers.BooleanField(required=False)
    seo_title = serializers.CharField(required=False)
    search_description = serializers.CharField(required=False)
    first_published_at = serializers.DateTimeField(allow_null=True, required=False)
    locale = serializers.CharField(required=False)
    parent = ParentSerializer(allow_null=True, required=False)


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


def _query(name, description, type_=OpenApiTypes.STR, **kwargs):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, **kwargs)


CLINIC = _query(
    "clinic",
    "A clinic's slug or hostname. Without it, the clinic whose Site serves the request's "
    "hostname; a hostname of no clinic answers 400.",
)
FIELDS = _query("fields", "Fields to add or (with -) remove, e.g. summary,body or *; nested: a(b)")
RICH_TEXT_FORMAT = _query("rich_text_format", "Rich text output format", enum=["html"])
LIMIT = _query("limit", "Items per page (default 20)", OpenApiTypes.INT)
OFFSET = _query("offset", "Items to skip; past the last item the answer has none", OpenApiTypes.INT)
SEARCH = _query("search", "Full-text search: titles, summaries, answers, other names")
SEARCH_OPERATOR = _query("search_operator", "How search terms combine", enum=["and", "or"])
ORDER = _query(
    "order", "Comma-separated fields, - for descending: -read_count, -first_published_at, random"
)
# What every listing takes: fields, paging, ordering and search.
LISTING = [FIELDS, LIMIT, OFFSET, ORDER, SEARCH, SEARCH_OPERATOR]
ERRORS = {
    400: OpenApiResponse(MessageSerializer, "Bad input"),
    404: OpenApiResponse(MessageSerializer, "Not found"),
    429: OpenApiResponse(MessageSerializer, "Too many requests"),
}
CONDITIONAL = {304: OpenApiResponse(description="Not modified (If-None-Match / If-Modified-Since)")}


def _page_id(name, description):
    return _query(name, description, OpenApiTypes.INT)


pages_listing = extend_schema(
    operation_id="pages_list",
    summary="List a clinic's pages",
    description=(
        "Live, public pages of one clinic: drafts, private pages and other branches' pages "
        "are never listed. ``type=treatments.TreatmentPage&fields=*`` gives full articles."
    ),
    parameters=[
        CLINIC,
        _query("type", "Page type, e.g. treatments.TreatmentPage"),
        *LISTING,
        _query("child_of", "Children of this page id (or root)"),
        _query("descendant_of", "Descendants of this page id (or root)"),
        _page_id("ancestor_of", "Ancestors of this page id"),
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
        "``read_count`` is the article's total across every branch."
    ),
    parameters=[
        OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Page id"),
        CLINIC,
        FIELDS,
        RICH_TEXT_FORMAT,
    ],
    responses={200: PageSerializer, **CONDITIONAL, **ERRORS},
)
pages_find = extend_schema(
    operation_id="pages_find",
    summary="Find a clinic's page by id or path; redirects to its detail URL",
    description="Pass ``id`` or ``html_path``; other query parameters are kept in the redirect.",
    parameters=[
        CLINIC,
        _page_id("id", f"Page id (1 to {MAX_ID})"),
        _query("html_path", "The page's path on the clinic's site, e.g. /treatments/ims/"),
        FIELDS,
    ],
    responses={302: OpenApiResponse(description="Redirect to the detail URL"), **ERRORS},
)


def media_listing(kind: str):
    return extend_schema(
        operation_id=f"{kind}_list",
        summary=f"List {kind}",
        description=f"{kind.capitalize()} in public collections.",
        parameters=[*LISTING, _query("title", "Title")],
        responses={200: MediaListingSerializer, **CONDITIONAL, **ERRORS},
    )


def media_detail(kind: str):
    return extend_schema(
        operation_id=f"{kind}_detail",
        summary=f"One of the {kind}",
        description=f"One of the {kind} in a public collection.",
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            FIELDS,
        ],
        responses={200: MediaSerializer, **CONDITIONAL, **ERRORS},
    )


def media_find(kind: str):
    return extend_schema(
        operation_id=f"{kind}_find",
        summary=f"Find one of the {kind} by id; redirects to its detail URL",
        description="Pass ``id``.",
        parameters=[_query("id", "Id", OpenApiTypes.INT)],
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
                "navigator.sendBeacon (any body, text/plain allowed, is ignored). Crawlers and "
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
                }
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
