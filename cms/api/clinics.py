"""``/api/v2/clinics/``: each branch and what its settings tell patients.

A clinic is named by its home page's slug (the ``?clinic=`` of the pages endpoint) or its
hostname. Settings a branch never saved read as empty, without creating a row on a GET.
"""

from django.http import Http404
from django.urls import path, reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet
from wagtail.models import Site

from clinics.models import ClinicSettings
from cms.sites import UnknownClinic, clinic_sites, find_clinic

from .base import PublicAPIMixin
from .cache import EVERYTHING
from .schema import CONDITIONAL, ERRORS, ListingMetaSerializer
from .serializers import absolute_url


class OpeningHoursSerializer(serializers.Serializer):
    """``{"weekday": "mon", "opens": "09:00:00", "closes": "18:00:00", "closed": false}``"""

    weekday = serializers.ChoiceField(choices=["mon", "tue", "wed", "thu", "fri", "sat", "sun"])
    opens = serializers.CharField(allow_null=True, help_text="Local time, HH:MM:SS")
    closes = serializers.CharField(allow_null=True, help_text="Local time, HH:MM:SS")
    closed = serializers.BooleanField()


class ClinicSerializer(serializers.Serializer):
    """A branch in listings: ``{"slug": "north", "hostname": "north.example.org", ...}``."""

    slug = serializers.SlugField()
    name = serializers.CharField()
    hostname = serializers.CharField()
    root_url = serializers.URLField()
    detail_url = serializers.URLField()


class ClinicDetailSerializer(ClinicSerializer):
    """A branch with its settings: address, phone, e-mail, booking link and opening hours."""

    address = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    booking_url = serializers.CharField()
    opening_hours = OpeningHoursSerializer(many=True)


def branch_settings(site: Site) -> ClinicSettings:
    try:
        return site.clinicsettings
    except ClinicSettings.DoesNotExist:
        return ClinicSettings(site=site)


class ClinicListingSerializer(serializers.Serializer):
    meta = ListingMetaSerializer()
    items = ClinicSerializer(many=True)


CLINICS_LISTING = extend_schema(
    operation_id="clinics_list",
    summary="The clinic branches",
    description="Every branch, by the slug that ``?clinic=`` takes.",
    responses={200: ClinicListingSerializer, **CONDITIONAL, **ERRORS},
)
CLINIC_DETAIL = extend_schema(
    operation_id="clinics_detail",
    summary="A clinic's address, phone, e-mail, booking link and opening hours",
    description="Fields a branch never filled in are empty strings; hours an empty list.",
    parameters=[
        OpenApiParameter(
            "slug",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="Slug or hostname",
            examples=[OpenApiExample("A branch", value="north")],
        )
    ],
    responses={200: ClinicDetailSerializer, **CONDITIONAL, **ERRORS},
)


class ClinicsAPIViewSet(PublicAPIMixin, GenericViewSet):
    name = "clinics"
    model = ClinicSettings

    def answer_tags(self) -> set[str]:
        return {EVERYTHING, "c"}

    @CLINICS_LISTING
    def listing_view(self, request):
        return self.cached(request, self.build_listing)

    @CLINIC_DETAIL
    def detail_view(self, request, slug):
        return self.cached(request, self.build_detail, slug)

    def build_listing(self, request):
        sites = clinic_sites(Site.objects.select_related("root_page", "clinicsettings"))
        items = [self.summary(site, branch_settings(site)) for site in sites]
        return Response({"meta": {"total_count": len(items)}, "items": items})

    def build_detail(self, request, slug):
        try:
            site = find_clinic(slug)
        except UnknownClinic as e:
            raise Http404(str(e)) from e
        site = Site.objects.select_related("root_page", "clinicsettings").get(pk=site.pk)
        values = branch_settings(site)
        days = values.opening_hours.stream_block.get_api_representation(values.opening_hours)
        return Response(
            {
                **self.summary(site, values),
                "address": values.address,
                "phone": values.phone,
                "email": values.email,
                "booking_url": values.booking_url,
                "opening_hours": [day["value"] for day in days],
            }
        )

    def summary(self, site: Site, values: ClinicSettings) -> dict:
        slug = site.root_page.slug
        return {
            "slug": slug,
            "name": values.name or site.site_name or site.root_page.title,
            "hostname": site.hostname,
            "root_url": site.root_url,
            "detail_url": absolute_url(
                self.request, reverse("wagtailapi:clinics:detail", args=[slug])
            ),
        }

    @classmethod
    def get_urlpatterns(cls):
        return [
            path("", cls.as_view({"get": "listing_view"}), name="listing"),
            path("<str:slug>/", cls.as_view({"get": "detail_view"}), name="detail"),
        ]
