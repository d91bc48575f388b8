"""What every public endpoint shares: JSON errors, partner keys, rates, the answer cache."""

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
from .filters import MAX_ID, MAX_OFFSET, check_query_string
from .renderers import ORJSONRenderer
from .serializers import detail_url
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
