"""``/api/v2/pages/``: Wagtail's pages endpoint, scoped to one clinic."""

from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework.fields import DateTimeField, IntegerField
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.filters import LocaleFilter, TranslationOfFilter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from treatments.models import TreatmentPage

from . import documents
from .base import ClinicPagination, PublicAPIMixin
from .cache import EVERYTHING
from .filters import (
    ClinicAncestorOfFilter,
    ClinicChildOfFilter,
    ClinicDescendantOfFilter,
    ClinicOrderingFilter,
    ClinicSearchFilter,
    SearchParametersFilter,
    StrictFieldsFilter,
    clinic_for_request,
    find_id,
    parse_id,
    with_read_count,
)
from .local import LocalContentField, attach_local_content
from .prefetch import attach_read_totals, prefetch_api_relations, share_site_root_paths
from .rich_text import ClinicLinks, linked_page_ids, resolving_links_for
from .schema import pages_detail, pages_find, pages_listing
from .serializers import ClinicPageSerializer
from .structured_data import FIELD as STRUCTURED_DATA
from .structured_data import StructuredDataField, attach_reviews


class ClinicPagesAPIViewSet(PublicAPIMixin, PagesAPIViewSet):
    """``/api/v2/pages/``: live, public pages of one clinic (``?clinic=`` or the hostname).

    Drafts, private pages (password, login or group restricted, for every caller) and pages of
    other branches or of the library are in no answer: every filter, ``find`` and detail starts
    from ``get_base_queryset``.
    """

    filter_backends = [
        SearchParametersFilter,
        StrictFieldsFilter,
        ClinicChildOfFilter,
        ClinicAncestorOfFilter,
        ClinicDescendantOfFilter,
        ClinicOrderingFilter,
        TranslationOfFilter,
        LocaleFilter,
        ClinicSearchFilter,  # last: search results cannot be filtered further
    ]
    pagination_class = ClinicPagination
    base_serializer_class = ClinicPageSerializer
    known_query_parameters = PagesAPIViewSet.known_query_parameters | {"clinic"}
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
                # schema.org JSON-LD: the article, its clinical review and this clinic.
                APIField(STRUCTURED_DATA, serializer=StructuredDataField()),
                # The branch's published additions (clinics.local), null when none.
                APIField("local", serializer=LocalContentField()),
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

    def use_object(self, page) -> None:
        """Answer about ``page`` without looking it up (delivery documents render this way)."""
        self._cached_object = page

    def get_object(self):
        if not hasattr(self, "_cached_object"):
            page = get_object_or_404(self.get_base_queryset(), pk=self.kwargs["pk"])
            self._cached_object = page.specific
        return self._cached_object

    @pages_find
    def find_view(self, request):
        return super().find_view(request)

    def find_object(self, queryset, request):
        """``html_path`` on the clinic's site, else ``id``; neither found (or given): None.

        An ``id`` that is no number is a 400 even beside ``html_path``, as the document says.
        """
        pk = find_id(request)
        if "html_path" in request.GET:
            components = [part for part in request.GET["html_path"].split("/") if part]
            try:
                page, _, _ = self.clinic_site.root_page.specific.route(request, components)
            except Http404:
                return None
            return queryset.filter(id=page.id).first()
        return queryset.filter(id=pk).first() if pk else None

    def answer_tags(self) -> set[str]:
        """What this answer shows: one page (and its parent) or a clinic's listing.

        Rich text links point at pages the clinic shows, so an answer with links also goes
        stale when the clinic's pages change (``l``).
        """
        site = self.clinic_site.pk
        tags = {EVERYTHING, f"s{site}"}
        if "pk" in self.kwargs:
            page = self.get_object()
            tags.add(f"p{page.pk}")
            parent = page.get_parent()  # cached by the serializer's ``meta.parent``
            if parent is not None:
                tags.add(f"p{parent.pk}")
        else:
            tags.add(f"l{site}")
            if self.shows_read_counts or self.request.GET.get("order", "").endswith("read_count"):
                tags.add(f"rl{site}")
        if self.links_shown:
            tags.add(f"l{site}")
        return tags

    shows_read_counts = False
    links_shown = False

    def build_listing(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        filtered = self.filter_queryset(queryset)
        if documents.enabled(request) and isinstance(filtered, QuerySet):
            return documents.assemble_listing(self, filtered)
        items = list(self.paginate_queryset(filtered))
        serializer = self.get_serializer(items, many=True)
        with self.resolving_links(items):
            data = serializer.data
        return self.get_paginated_response(data)

    def build_detail(self, request, pk):
        page = self.get_object()
        if documents.enabled(request):
            return Response(documents.assemble_detail(self, page))
        serializer = self.get_serializer(page)
        with self.resolving_links([page]):
            data = serializer.data
        return Response(data)

    def get_serializer(self, instance, *args, **kwargs):
        serializer = super().get_serializer(instance, *args, **kwargs)
        items = instance if kwargs.get("many") else [instance]
        fields = serializer.child.Meta.fields if kwargs.get("many") else serializer.Meta.fields
        self.prepare(items, fields)
        return serializer

    def prepare(self, items: list, fields: list[str]) -> None:
        """Load in bulk what ``fields`` of ``items`` show, before serializing them."""
        prefetch_api_relations(items, fields)
        share_site_root_paths(items)
        if "read_count" in fields or "read_count_refreshed_at" in fields:
            self.shows_read_counts = True
            attach_read_totals(items)
        if STRUCTURED_DATA in fields:
            attach_reviews(items)
        if "local" in fields or "body" in fields:
            attach_local_content(items)

    def resolving_links(self, items):
        links = ClinicLinks(self.clinic_site, self.get_base_queryset())
        linked = linked_page_ids(items)
        links.preload(linked)
        self.links_shown = self.links_shown or bool(linked)
        return resolving_links_for(links)
