"""The read beacon and an article's daily read history: the API's side of read statistics.

The beacon is a plain Django view, not a DRF one: DRF's authentication and parsers would
touch the session or the database, and a read must cost Redis operations only. What it calls
(the buffer, the served map) is in ``treatments/reads/``.
"""

import logging
import re
from datetime import timedelta
from functools import cache

import redis
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Site

from cms.http import client_address
from cms.sites import clinic_key
from treatments.models import ReadTotal, TreatmentPage
from treatments.reads import buffer
from treatments.reads.history import branch_total, daily_totals, visible_site_ids
from treatments.reads.served import rebuild_served_map
from treatments.selectors import original_id_expression

from .base import PublicEndpointMixin
from .filters import existing_clinic
from .schema import TEXT, MessageSerializer
from .throttling import Partner, PartnerKeyAuthentication

logger = logging.getLogger(__name__)

# Seconds a client should wait before sending again when the read buffer is down.
RETRY_AFTER = 30


@cache
def _crawler_pattern() -> re.Pattern:
    return re.compile(settings.READS_CRAWLER_UA_REGEX, re.IGNORECASE)


def _branch_fields(request) -> tuple[str, ...]:
    """How to find the branch: ``?clinic=`` (slug or hostname), else the Host as Wagtail does."""
    clinic = request.GET.get("clinic")
    if clinic:
        return (f"c:{clinic_key(clinic)}",)
    hostname = split_domain_port(request._get_raw_host())[0]
    return (f"h:{hostname}:{request.get_port()}", f"h:{hostname}", "default")


def _error(status: int, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"message": message}, status=status)
    for name, value in headers.items():
        response[name] = value
    return response


@csrf_exempt
def read_beacon(request, pk: int):
    """POST /api/v2/pages/<id>/read/: one read of that page as its branch serves it; 204.

    Any body (sendBeacon sends text/plain) is ignored. Crawlers and reloads within the
    window answer 204 too, uncounted. When Redis is down the answer is 503 with Retry-After:
    the read is not counted and the client is told so, rather than the database taking a
    write per view exactly when the system is degraded.
    """
    if request.method != "POST":
        response = _error(405, "Send reads with POST.")
        response["Allow"] = "POST"
        return response
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    read = buffer.Read(
        page_id=pk,
        ip=client_address(request),
        user_agent=user_agent,
        branch_fields=_branch_fields(request),
        day=timezone.localdate(),
        counted=bool(user_agent) and not _crawler_pattern().search(user_agent),
    )
    try:
        outcome = buffer.count_read(read)
        if outcome == buffer.NO_MAP:  # Redis lost its data: rebuild once, from the database
            rebuild_served_map()
            outcome = buffer.count_read(read)
    except redis.RedisError:
        logger.warning("read buffer unavailable", extra={"page": pk})
        return _error(503, "Reads cannot be counted right now.", **{"Retry-After": RETRY_AFTER})
    if outcome == buffer.THROTTLED:
        return _error(
            429,
            "Too many reads from this client.",
            **{"Retry-After": settings.READS_THROTTLE_WINDOW},
        )
    if outcome == buffer.NOT_FOUND:
        return _error(404, "No published article with this id at this branch.")
    return HttpResponse(status=204)


class ReadDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    reads = serializers.IntegerField()


class ReadHistorySerializer(serializers.Serializer):
    """The schema of a history answer (the view builds it directly)."""

    id = serializers.IntegerField()
    read_count = serializers.IntegerField()
    read_count_refreshed_at = serializers.DateTimeField(allow_null=True)
    clinic = serializers.CharField(allow_null=True)
    days = ReadDaySerializer(many=True)


class ReadHistoryView(PublicEndpointMixin, APIView):
    """GET /api/v2/pages/{id}/reads/?days=30&clinic={slug}: an article's reads per day.

    Without ``clinic``: the article's reads at every branch, the group-wide total as on the
    pages endpoint (``read_count``). Public: the total is in every article answer already,
    and a sum over the group shows no branch's figures. With ``clinic``: that branch's days
    and its own total, for its partners (``API_PARTNER_CLINICS``) and its staff only; a
    branch's numbers are its business.
    """

    authentication_classes = [PartnerKeyAuthentication, SessionAuthentication]
    MAX_DAYS = 366

    @extend_schema(
        operation_id="pages_reads_retrieve",
        summary="An article's reads per day",
        description=(
            "The article's reads per day over the last ``days`` days. Without ``clinic``, at "
            "every branch together, and ``read_count`` is the group-wide total shown on the "
            "pages endpoint. With ``clinic`` (a slug or hostname), at that branch only, and "
            "``read_count`` is that branch's total: for the branch's partners (``X-API-Key``) "
            "and its staff. ``id`` may be the library original or a branch's copy of it."
        ),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            OpenApiParameter(
                "days",
                {"type": "integer", "minimum": 1, "maximum": 366},
                description="1 to 366; default 30",
            ),
            # Every text parameter refuses NUL characters (400), so the schema says so.
            OpenApiParameter(
                "clinic", {**TEXT, "minLength": 1}, description="A clinic's slug or host"
            ),
        ],
        responses={
            200: ReadHistorySerializer,
            400: OpenApiResponse(MessageSerializer, description="A bad days or clinic value."),
            401: OpenApiResponse(MessageSerializer, description="An unknown API key."),
            403: OpenApiResponse(MessageSerializer, description="Not this branch's partner."),
            404: OpenApiResponse(MessageSerializer, description="No such article."),
            429: OpenApiResponse(MessageSerializer, description="Too many requests."),
        },
        tags=["pages"],
    )
    def get(self, request, pk: int):
        days = self._days(request)
        original = (
            TreatmentPage.objects.live()
            .public()
            .filter(pk=pk)
            .annotate(original=original_id_expression())
            .values_list("original", flat=True)
            .first()
        )
        if original is None:
            raise NotFound("No published article with this id.")
        site = self._clinic(request)
        site_ids = None if site is None else [site.pk]
        end = timezone.localdate()
        history = daily_totals(end - timedelta(days=days - 1), end, site_ids, original)
        total = ReadTotal.objects.filter(page_id=original).first()
        if site is None:
            read_count = total.count if total else 0
        else:
            read_count = branch_total(site.pk, original)
        return Response(
            {
                "id": pk,
                "read_count": read_count,
                "read_count_refreshed_at": total.refreshed_at if total else None,
                "clinic": site.root_page.slug if site else None,
                "days": [{"date": day, "reads": n} for day, n in history],
            }
        )

    def _days(self, request) -> int:
        raw = request.GET.get("days", "30")
        if not raw.isdigit() or not 1 <= int(raw) <= self.MAX_DAYS:
            raise BadRequestError(f"days must be a whole number from 1 to {self.MAX_DAYS}")
        return int(raw)

    def _clinic(self, request) -> Site | None:
        """The branch asked for, once the caller may see its numbers; None: the group."""
        name = request.GET.get("clinic")
        if name is None:
            return None
        site = existing_clinic(name)
        if not may_see_branch_reads(request, site):
            raise PermissionDenied(
                "A branch's reads are for its partners (X-API-Key) and its staff."
            )
        return site


def may_see_branch_reads(request, site: Site) -> bool:
    """The branch's partner (by key) or a signed-in user whose reach includes the branch."""
    if isinstance(request.auth, Partner):
        slugs = settings.API_PARTNER_CLINICS.get(request.auth.name, [])
        return site.root_page.slug in slugs
    user = request.user
    if not user.is_authenticated:
        return False
    visible = visible_site_ids(user)
    return visible is None or site.pk in visible
