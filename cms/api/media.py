"""``/api/v2/images/`` and ``/api/v2/documents/``: Wagtail's media endpoints, public only.

Serializers here as well: Wagtail's tag field orders in SQL, which bypasses a prefetch.
"""

from functools import cached_property

from django.db.models import Q
from rest_framework.fields import Field
from taggit.managers import _TaggableManager
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import Collection, CollectionViewRestriction, Site

from clinics.models import ClinicBranch

from .base import ClinicPagination, PublicAPIMixin
from .cache import EVERYTHING
from .filters import (
    ClinicOrderingFilter,
    ClinicSearchFilter,
    SearchParametersFilter,
    StrictFieldsFilter,
    find_id,
    optional_clinic_for_request,
)
from .prefetch import prefetch_api_relations
from .schema import media_detail, media_find, media_listing
from .serializers import RequestUrlDocumentSerializer, RequestUrlImageSerializer


class PrefetchedTagsField(Field):
    """Tags as sorted names, from the prefetched tags: ``"tags": ["knee", "shoulder"]``.

    Wagtail's TagsField orders in SQL, which bypasses a prefetch: one query per item.
    """

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsMixin:
    def build_property_field(self, field_name, model_class):
        if isinstance(getattr(model_class, field_name), _TaggableManager):
            return PrefetchedTagsField, {}
        return super().build_property_field(field_name, model_class)


class MediaImageSerializer(PrefetchedTagsMixin, RequestUrlImageSerializer):
    pass


class MediaDocumentSerializer(PrefetchedTagsMixin, RequestUrlDocumentSerializer):
    pass


def hidden_collection_ids(clinic: Site | None) -> list[int]:
    """Collections no answer for ``clinic`` shows, with everything under them.

    Those under any view restriction, whoever asks (as pages: answers are shared), and every
    other branch's collection: a branch's media are its own. The library's collection and
    collections of no branch are everyone's.
    """
    paths = list(CollectionViewRestriction.objects.values_list("collection__path", flat=True))
    branches = ClinicBranch.objects.all()
    if clinic is not None:
        branches = branches.exclude(site__root_page_id=clinic.root_page_id)
    paths += branches.values_list("collection__path", flat=True)
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
        ClinicSearchFilter,
    ]
    pagination_class = ClinicPagination

    def answer_tags(self) -> set[str]:
        return {EVERYTHING, "m"}

    orderable_annotations: dict = {}
    known_query_parameters = BaseAPIViewSet.known_query_parameters | {"clinic"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self._public_media.all()

    @cached_property
    def _public_media(self):
        hidden = hidden_collection_ids(optional_clinic_for_request(self.request))
        return self.model.objects.exclude(collection__in=hidden).order_by("id")

    def get_serializer(self, instance, *args, **kwargs):
        serializer = super().get_serializer(instance, *args, **kwargs)
        many = kwargs.get("many")
        fields = serializer.child.Meta.fields if many else serializer.Meta.fields
        prefetch_api_relations(list(instance) if many else [instance], fields)
        return serializer

    def find_object(self, queryset, request):
        pk = find_id(request)
        return queryset.filter(id=pk).first() if pk else None


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
