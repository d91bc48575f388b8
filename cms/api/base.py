"""What every public endpoint shares: JSON errors, partner keys, rates, the answer cache."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from .cache import CachedAnswerMixin
from .filters import MAX_ID, check_query_string
from .renderers import ORJSONRenderer
from .serializers import detail_url
from .throttling import AnonymousThrottle, PartnerKeyAuthentication, PartnerThrottle


def count_parameter(request, name: str, default: int) -> int:
    """``offset`` and ``limit`` parsed as stock parses them, with stock's messages."""
    try:
        value = int(request.GET.get(name, default))
        if value < 0:
            raise ValueError
    except ValueError as e:
        raise BadRequestError(f"{name} must be a positive integer") from e
    return value


class ClinicPagination(WagtailPagination):
    """Stock paging, except that an offset past the last item answers no items at once.

    Stock passes any offset to the database, and past PostgreSQL's bigint that fails (a 500).
    Past the count the answer is empty whatever the offset, so the database is not asked.
    """

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = settings.WAGTAILAPI_LIMIT_MAX
        offset = count_parameter(request, "offset", 0)
        limit = count_parameter(request, "limit", min(20, limit_max))
        if limit > limit_max:
            raise BadRequestError(f"limit cannot be higher than {limit_max}")
        self.view = view
        self.total_count = queryset.count()
        if offset >= self.total_count:
            return []
        return queryset[offset : offset + limit]


class PublicEndpointMixin:
    """What every public DRF view shares: JSON errors, partner keys, rates, input checks."""

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


class PublicAPIMixin(PublicEndpointMixin, CachedAnswerMixin):
    """The endpoints on the router: the above, stored answers, stock listing, detail, find."""

    def listing_view(self, request):
        return self.cached(request, self.build_listing)

    def detail_view(self, request, pk):
        if pk > MAX_ID:
            raise Http404("not found")
        # Other query parameters (cache busters, tracking, a shared set) are ignored, as stock.
        return self.cached(request, self.build_detail, pk)

    def find_view(self, request):
        """Stock ``find``, redirecting to the detail URL on the request's own host."""
        try:
            found = self.find_object(self.get_queryset(), request)
        except self.model.DoesNotExist:
            found = None
        if found is None:
            raise Http404("not found")
        query = request.GET.copy()
        for name in self.find_query_parameters:
            query.pop(name, None)
        url = detail_url(request, request.wagtailapi_router, self.model, found.pk)
        return redirect(f"{url}?{query.urlencode()}")

    def build_listing(self, request):
        return BaseAPIViewSet.listing_view(self, request)

    def build_detail(self, request, pk):
        return BaseAPIViewSet.detail_view(self, request, pk)
