"""The partner API: Wagtail's API v2 endpoints, scoped to one clinic, validated and cached."""

from functools import cached_property

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import exceptions, status
from rest_framework.fields import DateTimeField, IntegerField
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.filters import (
    AncestorOfFilter,
    ChildOfFilter,
    DescendantOfFilter,
    LocaleFilter,
    SearchFilter,
    TranslationOfFilter,
)
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet, PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Collection, CollectionViewRestriction, Page, Site

from cms.api_fields import GalleryField

from ..models import ReadTotal, TreatmentPage
from .cache import CachedAnswerMixin
from .filters import (
    MAX_ID,
    MAX_OFFSET,
    ClinicOrderingFilter,
    SearchParametersFilter,
    StrictFieldsFilter,
    check_query_string,
    clinic_for_request,
    parse_id,
    with_read_count,
)
from .media_serializers import MediaDocumentSerializer, MediaImageSerializer
from .renderers import ORJSONRenderer
from .rich_text import ClinicLinks, linked_page_ids, resolving_links_for
from .schema import media_detail, media_find, media_listing, pages_detail, pages_find, pages_listing
from .throttling import AnonymousThrottle, PartnerKeyAuthentication, PartnerThrottle

# Parameters a detail (or find) URL accepts; filters and paging only make sense on listings.
DETAIL_PARAMETERS = frozenset(["fields", "rich_text_format", "clinic", "format", "_"])
# Rich text comes out as HTML with the clinic's public URLs; the database formats would show
# internal ids of library pages instead.
RICH_TEXT_FORMATS = ("html",)


class ClinicPagination(WagtailPagination):
    def paginate_queryset(self, queryset, request, view=None):
        offset = request.GET.get("offset", "0")
        if offset.isdigit() and int(offset) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        return super().paginate_queryset(queryset, request, view)


class PublicAPIMixin(CachedAnswerMixin):
    """What every public endpoint shares: JSON errors, partner keys, rates, the answer cache."""

    renderer_classes = [ORJSONRenderer, BrowsableAPIRenderer]
    authentication_classes = [PartnerKeyAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [AnonymousThrottle, PartnerThrottle]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        check_query_string(request.GET)

    def handle_exception(self, exc):
        if isinstance(exc, Http404):
            return Response({"message": str(exc)}, status=status.HTTP_404_NOT_FOUND)
        if isinstance(exc, BadRequestError):
            return Response({"message": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.APIException) and isinstance(response.data, dict):
            response.data = {"message": str(exc.detail)}
        return response

    def check_detail_parameters(self, allowed=DETAIL_PARAMETERS):
        unknown = set(self.request.GET) - allowed
        if unknown:
            raise BadRequestError(
                "query parameter is not allowed here: " + ", ".join(sorted(unknown))
            )

    def resolve_rich_text_format(self):
        rich_text_format = self.request.GET.get("rich_text_format", "html")
        if rich_text_format not in RICH_TEXT_FORMATS:
            raise BadRequestError("rich_text_format must be 'html'")
        return rich_text_format

    def listing_view(self, request):
        return self.cached(request, self.build_listing)

    def detail_view(self, request, pk):
        if pk > MAX_ID:
            raise Http404("not found")
        self.check_detail_parameters()
        return self.cached(request, self.build_detail, pk)

    def build_listing(self, request):
        return BaseAPIViewSet.listing_view(self, request)

    def build_detail(self, request, pk):
        return BaseAPIViewSet.detail_view(self, request, pk)


class ClinicPagesAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    """``/api/v2/pages/``: live, public pages of one clinic (``?clinic=`` or the hostname).

    Drafts, private pages (password, login or group restricted, for every caller) and pages of
    other branches or of the library are in no answer: every filter, ``find`` and detail starts
    from ``get_base_queryset``.
    """

    filter_backends = [
        SearchParametersFilter,
        StrictFieldsFilter,
        ChildOfFilter,
        AncestorOfFilter,
        DescendantOfFilter,
        ClinicOrderingFilter,
        TranslationOfFilter,
        LocaleFilter,
        SearchFilter,  # last: search results cannot be filtered further
    ]
    pagination_class = ClinicPagination
    known_query_parameters = (PagesAPIViewSet.known_query_parameters - {"site"}) | {"clinic"}
    # The library original an alias copies is no public page: its id would lead nowhere.
    meta_fields = [name for name in PagesAPIViewSet.meta_fields if name != "alias_of"]
    orderable_annotations = {"read_count": with_read_count}
    id_parameters = ("child_of", "descendant_of", "ancestor_of", "translation_of")

    @classmethod
    def get_body_fields(cls, model):
        fields = super().get_body_fields(model)
        if issubclass(model, TreatmentPage):
            fields += [
                # From ReadTotal of the original: an alias shows its library article's reads.
                APIField("read_count", serializer=IntegerField(read_only=True)),
                APIField("read_count_refreshed_at", serializer=DateTimeField(read_only=True)),
            ]
        return fields

    @pages_listing
    def listing_view(self, request):
        return super().listing_view(request)

    @pages_detail
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @cached_property
    def clinic_site(self):
        return clinic_for_request(self.request)

    def get_root_page(self):
        return self.clinic_site.root_page

    def get_base_queryset(self):
        return self._base_queryset

    @cached_property
    def _base_queryset(self):
        # public() hides every restricted page whoever asks, so answers never depend on a login.
        return (
            Page.objects.live().public().descendant_of(self.clinic_site.root_page, inclusive=True)
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Page.objects.none()
        return super().get_queryset()

    def check_query_parameters(self, queryset):
        super().check_query_parameters(queryset)
        for name in self.id_parameters:
            value = self.request.GET.get(name)
            if value is not None and not (value == "root" and name != "ancestor_of"):
                parse_id(value, name)

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            page = get_object_or_404(self.get_base_queryset(), pk=self.kwargs["pk"])
            self._cached_object = page.specific
        return self._cached_object

    @pages_find
    def find_view(self, request):
        self.check_detail_parameters(DETAIL_PARAMETERS | self.find_query_parameters)
        if "id" in request.GET:
            parse_id(request.GET["id"], "id")
        elif "html_path" not in request.GET:
            raise BadRequestError("find needs id or html_path")
        return super().find_view(request)

    def find_object(self, queryset, request):
        if "html_path" in request.GET:
            components = [part for part in request.GET["html_path"].split("/") if part]
            try:
                page, _, _ = self.clinic_site.root_page.specific.route(request, components)
            except Http404:
                return None
            return queryset.filter(id=page.id).first()
        return queryset.filter(id=request.GET["id"]).first()

    def build_listing(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        items = list(self.paginate_queryset(self.filter_queryset(queryset)))
        serializer = self.get_serializer(items, many=True)
        with self.resolving_links(items):
            data = serializer.data
        return self.get_paginated_response(data)

    def build_detail(self, request, pk):
        page = self.get_object()
        serializer = self.get_serializer(page)
        with self.resolving_links([page]):
            data = serializer.data
        return Response(data)

    def get_serializer(self, instance, *args, **kwargs):
        serializer = super().get_serializer(instance, *args, **kwargs)
        items = instance if kwargs.get("many") else [instance]
        fields = serializer.child.Meta.fields if kwargs.get("many") else serializer.Meta.fields
        prefetch_api_relations(items, fields)
        share_site_root_paths(items)
        if "read_count" in fields or "read_count_refreshed_at" in fields:
            attach_read_totals(items)
        return serializer

    def resolving_links(self, items):
        links = ClinicLinks(self.clinic_site, self.get_base_queryset())
        links.preload(linked_page_ids(items))
        return resolving_links_for(links)


def prefetch_api_relations(items: list, fields: list[str]) -> None:
    """Fetch every relation the answer shows in one query each, however many items there are.

    Covers inline children (ParentalKey), many-to-many fields and foreign keys alike, so an
    APIField added later (an image, a gallery) is fetched in bulk without a change here.
    Fields whose serializer loads its rows for the whole answer itself (``GalleryField``) are
    skipped: prefetching them too read the same rows twice.
    """
    if not items:
        return
    model = type(items[0])
    self_loading = {
        api_field.name
        for api_field in getattr(model, "api_fields", [])
        if isinstance(getattr(api_field, "serializer", None), GalleryField)
    }
    lookups = []
    for name in fields:
        if name in self_loading:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and (field.many_to_many or field.one_to_many or field.concrete):
            lookups.append(name)
    prefetch_related_objects(items, *lookups)


def share_site_root_paths(pages: list) -> None:
    """Every page's ``html_url`` from one read of the sites' root paths, not one per page.

    Wagtail caches those paths on the page it builds a URL for when given no request, so a
    listing of 100 read them from the cache 100 times (a Redis round trip and an unpickle
    each: the biggest cost of a cache-off listing in docs/performance.md).
    """
    if not pages:
        return
    paths = Site.get_site_root_paths()
    for page in pages:
        page._wagtail_cached_site_root_paths = paths


def attach_read_totals(pages: list) -> None:
    """``read_count`` and ``read_count_refreshed_at`` of each page's original, in one query."""
    originals = {page.pk: page.alias_of_id or page.pk for page in pages}
    totals = {
        page_id: (count, refreshed_at)
        for page_id, count, refreshed_at in ReadTotal.objects.filter(
            page_id__in=set(originals.values())
        ).values_list("page_id", "count", "refreshed_at")
    }
    for page in pages:
        page.read_count, page.read_count_refreshed_at = totals.get(originals[page.pk], (0, None))


def restricted_collection_ids() -> list[int]:
    """Collections under any view restriction, whoever asks (as pages: answers are shared)."""
    paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    if not paths:
        return []
    under_any = Q()
    for path in paths:
        under_any |= Q(path__startswith=path)
    return list(Collection.objects.filter(under_any).values_list("id", flat=True))


class MediaAPIMixin(PublicAPIMixin):
    filter_backends = [
        SearchParametersFilter,
        StrictFieldsFilter,
        ClinicOrderingFilter,
        SearchFilter,
    ]
    pagination_class = ClinicPagination
    orderable_annotations: dict = {}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self._public_media.all()

    @cached_property
    def _public_media(self):
        return self.model.objects.exclude(collection__in=restricted_collection_ids()).order_by("id")

    def get_serializer(self, instance, *args, **kwargs):
        serializer = super().get_serializer(instance, *args, **kwargs)
        many = kwargs.get("many")
        fields = serializer.child.Meta.fields if many else serializer.Meta.fields
        prefetch_api_relations(list(instance) if many else [instance], fields)
        return serializer

    def find_view(self, request):
        self.check_detail_parameters(DETAIL_PARAMETERS | {"id"})
        parse_id(request.GET.get("id", ""), "id")
        return super().find_view(request)


class ClinicImagesAPIViewSet(MediaAPIMixin, ImagesAPIViewSet):
    """``/api/v2/images/``: Wagtail's image endpoint with the partner API's errors and cache."""

    base_serializer_class = MediaImageSerializer

    @media_listing("images")
    def listing_view(self, request):
        return super().listing_view(request)

    @media_detail("images")
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @media_find("images")
    def find_view(self, request):
        return super().find_view(request)


class ClinicDocumentsAPIViewSet(MediaAPIMixin, DocumentsAPIViewSet):
    """``/api/v2/documents/``: Wagtail's documents with the partner API's errors and cache."""

    base_serializer_class = MediaDocumentSerializer

    @media_listing("documents")
    def listing_view(self, request):
        return super().listing_view(request)

    @media_detail("documents")
    def detail_view(self, request, pk):
        return super().detail_view(request, pk)

    @media_find("documents")
    def find_view(self, request):
        return super().find_view(request)
