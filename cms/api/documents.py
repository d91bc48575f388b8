"""Delivery documents: listings and details assembled from pages rendered once, not per answer.

Serializing an article (StreamField blocks, rich text, images, conditions, inline guidance)
is what makes a cold answer as slow as stock Wagtail. So each page is rendered once per clinic
with ``fields=*`` (``cms.models.DeliveryDocument``) and every answer that shows it, whatever
its filters, order, offset or ``fields=``, picks its fields from the stored document:

- The page rows come from the same filtered, ordered and paginated queryset Wagtail's filters
  build, so ``type``, ``child_of``, ``order``, ``offset``, ``limit`` and the rest mean exactly
  what they mean in Wagtail; only the serialization is replaced.
- The fields come from the same serializer class Wagtail would build for the request
  (``get_serializer_class``: defaults, ``*``, ``_``, negations, unknown-field errors), in its
  order, split between ``meta`` and the body as its ``to_representation`` does.
- ``detail_url`` (it depends on the scheme and host asked, for the page and the pages its
  ``meta`` links: ``parent``, ``alias_of``) and the read counts (refreshes change them apart
  from the content) are added at assembly.

A document is used only when its stamp (the page's publication state, and for a detail its
parent's) and its generation (``cms.models.DeliveryGeneration``: everything else a page shows)
are current; any other is rendered again on the spot and stored, so an answer is never built
from an outdated document. Publishing renders the changed pages' documents ahead of time in a
Celery task (``tasks.render_documents``) and ``rebuild_delivery_documents`` renders them all.
Search results, nested field selections and other rich text formats take the serializers'
path unchanged.
"""

from collections.abc import Iterable

import orjson
from django.conf import settings
from django.db.models import F
from django.test import RequestFactory
from rest_framework.fields import DateTimeField
from rest_framework.request import Request
from wagtail.models import Page, Site

from cms.models import DeliveryDocument, DeliveryGeneration

from .prefetch import attach_read_totals
from .rich_text import linked_page_ids
from .serializers import absolute_url, detail_url

READ_FIELDS = ("read_count", "read_count_refreshed_at")
# Meta fields holding a linked page, whose detail_url depends on the request.
# Everything a page shows but what is added at assembly.
ROW_FIELDS = ["stamp", "parent_stamp", "generation", "has_links", "listing", "detail"]
STAMP_COLUMNS = ("last_published_at", "live_revision_id", "url_path")
PLACEHOLDER_ID = 987654321987
ALL = "all"


def clinic_pages(site: Site):
    """The pages the pages endpoint answers with at ``site``: live, public, in its tree."""
    return Page.objects.live().public().descendant_of(site.root_page, inclusive=True)


def stamp(last_published_at, live_revision_id, url_path) -> str:
    published = last_published_at.isoformat() if last_published_at else ""
    return f"{published}|{live_revision_id or ''}|{url_path}"


def page_stamp(page: Page) -> str:
    return stamp(*(getattr(page, column) for column in STAMP_COLUMNS))


def links_key(site_id: int) -> str:
    return f"links:{site_id}"


def bump_generations(keys: Iterable[str]) -> None:
    """In the caller's transaction: documents rendered before it commits are outdated."""
    for key in sorted(set(keys)):
        if not DeliveryGeneration.objects.filter(key=key).update(number=F("number") + 1):
            DeliveryGeneration.objects.get_or_create(key=key, defaults={"number": 1})


def site_key(site_id: int) -> str:
    return f"site:{site_id}"


def current_generations(site_id: int) -> tuple[str, str]:
    """The generation a document without links and one with links must carry now."""
    keys = [ALL, site_key(site_id), links_key(site_id)]
    numbers = dict(DeliveryGeneration.objects.filter(key__in=keys).values_list("key", "number"))
    everything = f"{numbers.get(ALL, 0)}.{numbers.get(site_key(site_id), 0)}"
    return everything, f"{everything}:{numbers.get(links_key(site_id), 0)}"


def enabled(request) -> bool:
    fields = request.GET.get("fields", "")
    return (
        settings.API_DELIVERY_DOCUMENTS
        and "(" not in fields
        and request.GET.get("rich_text_format", "html") == "html"
    )


# URLs in a document built on the request's host (``serializers.absolute_url``: detail URLs of
# linked pages) are rendered on this host, and put on the asking request's at assembly.
DOCUMENT_HOST = "delivery-document.invalid"
DOCUMENT_BASE = f"http://{DOCUMENT_HOST}/".encode()


def document_request(site: Site, router, params: dict) -> Request:
    """A GET of the pages endpoint for ``site``, as the documents are rendered for it."""
    django_request = RequestFactory().get("/api/v2/pages/", params)
    django_request.get_host = lambda: DOCUMENT_HOST
    request = Request(django_request)
    request.wagtailapi_router = router
    return request


class Documents:
    """The documents of one clinic: loaded in one query, rendered when missing or outdated.

    Rendering uses a view of the pages endpoint of its own, asked for ``fields=*`` less what is
    added at assembly, so a document holds exactly what Wagtail's serializers produce.
    """

    def __init__(self, site: Site, view_class, router):
        self.site = site
        self.view_class = view_class
        self.router = router
        self.generations = current_generations(site.pk)

    def valid(self, row: dict, stamps: tuple[str, str] | str) -> bool:
        """Current for a listing (``stamps`` the page's) or a detail (and its parent's)."""
        generation = self.generations[1 if row["has_links"] else 0]
        if row["generation"] != generation:
            return False
        if isinstance(stamps, tuple):
            return bool(row["detail"]) and (row["stamp"], row["parent_stamp"]) == stamps
        return row["stamp"] == stamps

    def load(self, stamps: dict) -> dict[int, dict]:
        """The current document of each page in ``stamps`` (page id -> its stamp now)."""
        stored = {
            row["page_id"]: row
            for row in DeliveryDocument.objects.filter(
                site=self.site, page_id__in=list(stamps)
            ).values("page_id", *ROW_FIELDS)
        }
        found = {pk: row for pk, row in stored.items() if self.valid(row, stamps[pk])}
        missing = [pk for pk in stamps if pk not in found]
        if missing:
            details = any(isinstance(value, tuple) for value in stamps.values())
            found.update(self.render(missing, details=details))
        return found

    def render(self, page_ids: Iterable[int], *, details: bool = False) -> dict[int, dict]:
        """Render and store the documents of ``page_ids`` as Wagtail's serializers show them.

        The detail shape shows each page's parent, which Wagtail's serializer reads page by
        page, so it is rendered for details only (one page at a time); a listing stores the
        listing shape and leaves the detail to be rendered when first asked.
        """
        pages = list(Page.objects.filter(pk__in=list(page_ids)).specific())
        parent_stamps = {}
        if details:
            parents = Page.objects.filter(path__in={p.path[: -Page.steplen] for p in pages})
            parent_stamps = {
                row[0]: stamp(*row[1:]) for row in parents.values_list("path", *STAMP_COLUMNS)
            }
        by_model: dict[type, list[Page]] = {}
        for page in pages:
            by_model.setdefault(type(page), []).append(page)
        rows = {}
        for model, group in by_model.items():
            listing = self.serialize(model, group, show_details=False)
            detail = self.serialize(model, group, show_details=True) if details else None
            for n, page in enumerate(group):
                has_links = bool(linked_page_ids([page]))
                rows[page.pk] = {
                    "page_id": page.pk,
                    "stamp": page_stamp(page),
                    "parent_stamp": parent_stamps.get(page.path[: -Page.steplen], ""),
                    "generation": self.generations[1 if has_links else 0],
                    "has_links": has_links,
                    "listing": orjson.dumps(listing[n]),
                    "detail": orjson.dumps(detail[n]) if detail else b"",
                }
        DeliveryDocument.objects.bulk_create(
            [DeliveryDocument(site=self.site, **row) for row in rows.values()],
            update_conflicts=True,
            unique_fields=["site", "page"],
            update_fields=ROW_FIELDS,
        )
        return rows

    def serialize(self, model, pages: list[Page], *, show_details: bool) -> list[dict]:
        """``pages`` (all of ``model``) as the pages endpoint shows them with ``fields=*``."""
        view = self.view_class()
        fields = ["*", "-detail_url"] + [
            f"-{name}" for name in READ_FIELDS if name in view.get_body_fields_names(model)
        ]
        view.request = document_request(
            self.site, self.router, {"fields": ",".join(fields), "type": model._meta.label}
        )
        view.format_kwarg = None
        view.args = ()
        view.clinic_site = self.site
        if show_details:
            view.action, view.kwargs = "detail_view", {"pk": pages[0].pk}
            view.use_object(pages[0])
        else:
            view.action, view.kwargs = "listing_view", {}
        serializer_class = view.get_serializer_class()
        view.prepare(pages, serializer_class.Meta.fields)
        serializer = serializer_class(pages, many=True, context=view.get_serializer_context())
        with view.resolving_links(pages):
            return serializer.data


def parsed(document: dict, kind: str, base: bytes) -> dict:
    value = document[kind]
    value = value if isinstance(value, bytes) else bytes(value)
    return orjson.loads(value.replace(DOCUMENT_BASE, base))


def request_base(view) -> bytes:
    return absolute_url(view.request, "/").encode()


class Assembler:
    """One answer's items from documents, with the fields the request's serializer shows."""

    def __init__(self, view, serializer_class):
        self.view = view
        self.fields = serializer_class.Meta.fields
        self.meta_fields = set(serializer_class.meta_fields)
        self.shows_reads = any(name in self.fields for name in READ_FIELDS)
        self.router = view.request.wagtailapi_router
        self.datetime = DateTimeField()
        self._detail_url = None

    def detail_url(self, pk: int) -> str:
        """Every page's detail URL from one built for a placeholder id (routing costs ~1 ms)."""
        if self._detail_url is None:
            self._detail_url = detail_url(self.view.request, self.router, Page, PLACEHOLDER_ID)
        return self._detail_url.replace(f"/{PLACEHOLDER_ID}/", f"/{pk}/")

    def item(self, pk: int, document: dict, reads: Page | None) -> dict:
        data = {"id": None} if "id" in self.fields else {}
        meta = {}
        for name in self.fields:
            if name not in self.meta_fields:
                continue
            if name == "detail_url":
                meta[name] = self.detail_url(pk)
            elif name in document.get("meta", {}):
                meta[name] = document["meta"][name]
        if meta:
            data["meta"] = meta
        for name in self.fields:
            if name in self.meta_fields:
                continue
            if name == "read_count":
                data[name] = reads.read_count
            elif name == "read_count_refreshed_at":
                refreshed = reads.read_count_refreshed_at
                data[name] = self.datetime.to_representation(refreshed) if refreshed else None
            elif name in document:
                data[name] = document[name]
        return data

    def read_totals(self, page_ids: list[int]) -> dict[int, Page]:
        if not self.shows_reads:
            return {}
        holders = [Page(pk=pk) for pk in page_ids]
        attach_read_totals(holders)
        self.view.shows_read_counts = True
        return {holder.pk: holder for holder in holders}


def documents_for(view) -> Documents:
    return Documents(view.clinic_site, type(view), view.request.wagtailapi_router)


def assemble_listing(view, filtered):
    """The listing answer for ``filtered`` (Wagtail's filtered, ordered queryset)."""
    serializer_class = view.get_serializer_class()
    documents = documents_for(view)
    rows = view.paginate_queryset(filtered.values_list("pk", *STAMP_COLUMNS))
    stamps = {row[0]: stamp(*row[1:]) for row in rows}
    loaded = documents.load(stamps)
    assembler = Assembler(view, serializer_class)
    totals = assembler.read_totals(list(stamps))
    view.links_shown = any(loaded[pk]["has_links"] for pk in stamps)
    base = request_base(view)
    items = [
        assembler.item(pk, parsed(loaded[pk], "listing", base), totals.get(pk)) for pk in stamps
    ]
    return view.get_paginated_response(items)


def assemble_detail(view, page: Page) -> dict:
    """The detail answer of ``page``: its document must match its and its parent's stamps."""
    serializer_class = view.get_serializer_class()
    documents = documents_for(view)
    parent = page.get_parent()
    loaded = documents.load({page.pk: (page_stamp(page), page_stamp(parent) if parent else "")})
    assembler = Assembler(view, serializer_class)
    totals = assembler.read_totals([page.pk])
    view.links_shown = loaded[page.pk]["has_links"]
    document = parsed(loaded[page.pk], "detail", request_base(view))
    return assembler.item(page.pk, document, totals.get(page.pk))
