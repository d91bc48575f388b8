"""``/api/v2/sync/``: a clinic's content for partners that keep a copy, then only its changes.

Without ``token``: every live, public page of the clinic (``upserts``), by id, a page of
``limit`` at a time, each followed by ``next_token``; the last page gives ``sync_token``. With
``token``: what changed since, as the pages are now: ``upserts`` (the page's full document,
as ``/api/v2/pages/?type=<its type>&fields=*`` shows it) and ``tombstones`` (``{id, type, at,
reason}``: unpublished, withdrawn, deleted, private, moved) for the pages that left it,
one entry per page however often it changed, again ``limit`` pages at a time.

Exactness: tokens hold a position in the clinic's change numbers (``cms.models.SyncCounter``:
numbers become visible in commit order). A first sync notes the clinic's last number before
it reads any page, so a change that commits while it pages through is above that number and
comes in the changes after. Each answer reads the changed pages after their events, so a page
is shown as it is then, never older; a change committed after is above the new position and
comes again in the next answer. Nothing is skipped or lost; a page may come twice.

Tokens are signed (``django.core.signing``, salt ``SALT``), carry the clinic and position,
and expire after ``SYNC_TOKEN_MAX_AGE`` or when their events were pruned (410). Answers are
``no-store``: each depends on the moment it is asked, and a cached one would replay the past.
Read counts change apart from the content, so they are no change; ``include=read_count`` adds
them to the documents.
"""

from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Page, Site

from clinics.models import Withdrawal
from cms.models import ChangeEvent, SyncCounter

from .base import PublicEndpointMixin, count_parameter
from .documents import (
    READ_FIELDS,
    STAMP_COLUMNS,
    Assembler,
    Documents,
    clinic_pages,
    parsed,
    request_base,
    stamp,
)
from .filters import clinic_for_request
from .pages import ClinicPagesAPIViewSet
from .router import api_router
from .schema import sync_listing

SALT = "cms.api.sync"
EVENT_BATCH = 500
PARAMETERS = {"clinic", "site", "token", "limit", "include", "format"}


class TokenExpired(Exception):
    """The token, or the changes it points into, is too old: the partner starts over."""


def make_token(site: Site, **position) -> str:
    return signing.dumps({"s": site.pk, **position}, salt=SALT, compress=True)


def read_token(value: str, site: Site) -> dict:
    try:
        token = signing.loads(value, salt=SALT, max_age=settings.SYNC_TOKEN_MAX_AGE)
    except signing.SignatureExpired as e:
        raise TokenExpired("this sync token has expired: start over without a token") from e
    except signing.BadSignature as e:
        raise BadRequestError("token is not a sync token of this API") from e
    if not isinstance(token, dict) or token.get("s") != site.pk:
        raise BadRequestError("token belongs to another clinic")
    return token


def counter(site: Site) -> SyncCounter:
    return SyncCounter.objects.filter(site=site).first() or SyncCounter(site=site)


class SyncAPIView(PublicEndpointMixin, APIView):
    """``GET /api/v2/sync/?clinic=<slug>[&token=...][&limit=][&include=read_count]``."""

    @sync_listing
    def get(self, request):
        unknown = set(request.GET) - PARAMETERS
        if unknown:
            raise BadRequestError(
                f"query parameter is not operational: {', '.join(sorted(unknown))}"
            )
        include = request.GET.get("include")
        if include not in (None, "read_count"):
            raise BadRequestError("include must be read_count")
        site = clinic_for_request(request)
        limit = count_parameter(request, "limit", 20)
        if not 1 <= limit <= settings.WAGTAILAPI_LIMIT_MAX:
            raise BadRequestError(f"limit must be from 1 to {settings.WAGTAILAPI_LIMIT_MAX}")
        feed = Feed(self, site, limit, reads=bool(include))
        try:
            data = feed.answer(request.GET.get("token"))
        except TokenExpired as e:
            return self.no_store(Response({"message": str(e)}, status=410))
        return self.no_store(Response(data))

    def handle_exception(self, exc):
        return self.no_store(super().handle_exception(exc))

    @staticmethod
    def no_store(response):
        response["Cache-Control"] = "no-store"
        return response


class Feed:
    """One answer of the feed for one clinic."""

    def __init__(self, view, site: Site, limit: int, *, reads: bool):
        self.view = view
        self.site = site
        self.limit = limit
        self.reads = reads

    def answer(self, token_value: str | None) -> dict:
        if token_value is None:
            return self.listing(after_id=0, head=counter(self.site).last_number)
        if not token_value:
            raise BadRequestError("token must not be empty")
        token = read_token(token_value, self.site)
        if "h" in token:
            return self.listing(after_id=int(token["i"]), head=int(token["h"]))
        return self.changes(after=int(token["a"]))

    def listing(self, *, after_id: int, head: int) -> dict:
        """A page of the first sync: ``head`` the clinic's last change number at its start."""
        ids = list(
            clinic_pages(self.site)
            .filter(pk__gt=after_id)
            .order_by("pk")
            .values_list("pk", flat=True)[: self.limit + 1]
        )
        more = len(ids) > self.limit
        ids = ids[: self.limit]
        answer = self.shape(self.documents(ids), [])
        if more:
            answer["next_token"] = make_token(self.site, h=head, i=ids[-1])
        else:
            answer["sync_token"] = make_token(self.site, a=head)
        return answer

    def changes(self, *, after: int) -> dict:
        """The pages changed after change number ``after``, at most ``limit`` of them."""
        state = counter(self.site)
        if after < state.pruned_through:
            raise TokenExpired("changes this old are no longer kept: start over without a token")
        latest, position, more = self.changed_since(after)
        shown = set(
            clinic_pages(self.site).filter(pk__in=list(latest)).values_list("pk", flat=True)
        )
        documents = self.documents([pk for pk in latest if pk in shown])
        tombstones = self.tombstones({pk: event for pk, event in latest.items() if pk not in shown})
        answer = self.shape(documents, tombstones)
        answer["next_token" if more else "sync_token"] = make_token(self.site, a=position)
        return answer

    def changed_since(self, after: int) -> tuple[dict[int, dict], int, bool]:
        """Page id -> its latest event, in event order; the last number read; more to read."""
        latest: dict[int, dict] = {}
        position = after
        while True:
            events = list(
                ChangeEvent.objects.filter(site=self.site, number__gt=position)
                .order_by("number")
                .values("number", "page_id", "page_type", "at")[:EVENT_BATCH]
            )
            for event in events:
                pk = event["page_id"]
                if pk not in latest and len(latest) == self.limit:
                    return latest, position, True
                latest.pop(pk, None)
                latest[pk] = event
                position = event["number"]
            if len(events) < EVENT_BATCH:
                return latest, position, False

    def tombstones(self, gone: dict[int, dict]) -> list[dict]:
        """Why each page left the clinic's content, as it is now."""
        pages = {
            row["pk"]: row
            for row in Page.objects.filter(pk__in=list(gone)).values("pk", "path", "live")
        }
        withdrawn = set(
            Withdrawal.objects.filter(alias_id__in=list(gone)).values_list("alias_id", flat=True)
        )
        root = self.site.root_page.path
        answer = []
        for pk, event in gone.items():
            page = pages.get(pk)
            if page is None:
                reason = "deleted"
            elif not page["path"].startswith(root):
                reason = "moved"
            elif pk in withdrawn:
                reason = "withdrawn"
            elif not page["live"]:
                reason = "unpublished"
            else:
                reason = "private"
            at = event["at"]
            answer.append(
                {"id": pk, "type": event["page_type"], "at": at.isoformat(), "reason": reason}
            )
        return answer

    def documents(self, ids: list[int]) -> list[dict]:
        """The full documents of ``ids`` (in that order), one render pass per page type."""
        if not ids:
            return []
        rows = Page.objects.filter(pk__in=ids).values_list("pk", "content_type_id", *STAMP_COLUMNS)
        by_model: dict[type, dict[int, str]] = {}
        for pk, content_type_id, *columns in rows:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            by_model.setdefault(model, {})[pk] = stamp(*columns)
        found = {}
        for model, stamps in by_model.items():
            found.update(self.documents_of(model, stamps))
        return [found[pk] for pk in ids if pk in found]

    @cached_property
    def stored(self) -> Documents:
        """The clinic's documents, its generations read once for every type in the answer."""
        return Documents(self.site, ClinicPagesAPIViewSet, api_router)

    def documents_of(self, model, stamps: dict[int, str]) -> dict[int, dict]:
        """Documents of one page type. The pages view built per type reads the clinic's
        restrictions once (its base queryset): a query per type shown, never per page."""
        view = self.pages_view(model)
        serializer_class = view.get_serializer_class()
        loaded = self.stored.load(stamps)
        assembler = Assembler(view, serializer_class)
        totals = assembler.read_totals(list(stamps))
        base = request_base(view)
        return {
            pk: assembler.item(pk, parsed(loaded[pk], "listing", base), totals.get(pk))
            for pk in stamps
        }

    def pages_view(self, model):
        """The pages endpoint as ``?type=<model>&fields=*`` asks it, on this request's host."""
        view = ClinicPagesAPIViewSet()
        fields = ["*"]
        if not self.reads:
            names = view.get_body_fields_names(model)
            fields += [f"-{name}" for name in READ_FIELDS if name in names]
        incoming = self.view.request
        django_request = RequestFactory().get(
            "/api/v2/pages/",
            {"fields": ",".join(fields), "type": model._meta.label},
            HTTP_HOST=incoming.get_host(),
            secure=incoming.is_secure(),
        )
        view.request = Request(django_request)
        view.request.wagtailapi_router = api_router
        view.format_kwarg = None
        view.args = ()
        view.kwargs = {}
        view.action = "listing_view"
        view.clinic_site = self.site
        return view

    def shape(self, upserts: list[dict], tombstones: list[dict]) -> dict:
        return {
            "clinic": self.site.root_page.slug,
            "upserts": upserts,
            "tombstones": tombstones,
            "next_token": None,
            "sync_token": None,
        }


def prune_events(now=None) -> int:
    """Drop events past retention; tokens pointing before them will be answered 410."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SYNC_EVENT_RETENTION_DAYS)
    dropped = 0
    for state in SyncCounter.objects.all():
        old = ChangeEvent.objects.filter(site_id=state.site_id, at__lt=cutoff)
        last = old.order_by("-number").values_list("number", flat=True).first()
        if last is None:
            continue
        SyncCounter.objects.filter(pk=state.pk, pruned_through__lt=last).update(pruned_through=last)
        dropped += ChangeEvent.objects.filter(site_id=state.site_id, number__lte=last).delete()[0]
    return dropped
