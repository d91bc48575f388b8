"""Receivers that outdate exactly the API answers a change shows (tags: see ``cache``).

- A page published, unpublished, saved live, created or deleted: its own answer (``p``) and
  its clinic's listings (``l``). Publishing a library article publishes each copy at the
  branches too (Wagtail sends ``page_published`` for every alias), so each carrying branch is
  told, and no other.
- A draft saved (only revision bookkeeping written on the page): nothing.
- A read refresh: the answers of the articles whose totals moved, at every branch that shows
  them (``p``), and the read counts of those branches' listings (``rl``).
- The same changes outdate the stored delivery documents (``documents.bump_generations``), in
  the change's own transaction: a page's own document goes stale by its stamp; a clinic's
  pages changing outdate its documents with rich text links; everything else all documents.
- Clinic settings: the clinics endpoint (``c``). Images, documents and collections: the media
  endpoints and everything that may show them (``m``, ``g``). Sites, privacy, conditions and
  moves (which change URLs below the moved page), clinical reviews and reviewers (articles'
  ``structured_data`` shows them): everything (``g``). A clinic's settings: its pages answers
  too (``s``: its address and hours are in its articles' ``structured_data``).
"""

import functools
from collections.abc import Iterable

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    Page,
    PageViewRestriction,
    Site,
)
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    published,
    unpublished,
)

from clinics.local.models import LocalContent
from treatments.models import ArticleReview, ClinicalReviewer, Condition, ReadTotal
from treatments.reads.events import read_totals_refreshed
from treatments.selectors import pages_showing

from . import documents
from .cache import EVERYTHING, invalidate
from .tasks import request_rendering

# What Page.save_revision, locking and workflows write on the page itself: no public field.
DRAFT_ONLY_FIELDS = frozenset(
    [
        "latest_revision_created_at",
        "draft_title",
        "latest_revision",
        "has_unpublished_changes",
        "wagtail_admin_comments",
        "locked",
        "locked_at",
        "locked_by",
    ]
)


def page_tags(pages: Iterable[tuple[int, str]]) -> set[str]:
    """``p`` for each (id, path) and ``l`` for each clinic whose tree holds one of them."""
    pages = list(pages)
    if not pages:
        return set()
    roots = Site.objects.values_list("pk", "root_page__path")
    tags = set()
    for pk, path in pages:
        tags.add(f"p{pk}")
        tags.update(f"l{site_id}" for site_id, root in roots if path.startswith(root))
        if any(path == root for _, root in roots):
            tags.add("c")  # a clinic's name and slug come from its home page
    return tags


def page_changed(sender, instance, **kwargs) -> list[int]:
    """Outdate the page's answers; returns the ids of the clinics whose tree holds it."""
    tags = page_tags([(instance.pk, instance.path)])
    sites = [int(tag[1:]) for tag in tags if tag.startswith("l")]
    # Rich text links at those clinics may now resolve elsewhere.
    documents.bump_generations(documents.links_key(site) for site in sites)
    invalidate(tags)
    return sites


def page_published_receiver(sender, instance, **kwargs) -> None:
    sites = page_changed(sender, instance)
    if sites:
        transaction.on_commit(functools.partial(request_rendering, sites, instance.pk))


def page_saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs):
    if raw or not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if created and not instance.live:
        return
    page_changed(sender, instance)


def page_deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        page_changed(sender, instance)


def local_content_changed(sender, instance, **kwargs) -> None:
    """A branch's local part published, unpublished or deleted: its article's answers there.

    The article's own answer and the clinic's listings, as a page publish (``p``, ``l``, and
    the HTTP purge with them); the clinic's stored documents are outdated by its generation,
    as its settings outdate them, since a document's stamp is the page's own publication.
    """
    if not isinstance(instance, LocalContent) or kwargs.get("raw"):
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return
    sites = page_changed(sender, page)
    documents.bump_generations(documents.site_key(site) for site in sites)
    if sites:
        transaction.on_commit(functools.partial(request_rendering, sites, page.pk))


def everything_changed(sender=None, **kwargs) -> None:
    documents.bump_generations([documents.ALL])
    invalidate([EVERYTHING])


def read_totals_changed(sender=None, page_ids=(), **kwargs) -> None:
    """Every page showing one of these originals' totals: the original and its copies."""
    originals = set(page_ids)
    if not originals:
        return
    tags = set()
    for tag in page_tags(pages_showing(originals)):
        tags.add(f"r{tag}" if tag.startswith("l") else tag)
    invalidate(tags)


def read_total_saved(sender, instance, **kwargs) -> None:
    """A total set by hand or by the importer, not by a refresh (which writes in bulk)."""
    read_totals_changed(page_ids=[instance.page_id])


def model_saved_or_deleted(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if isinstance(instance, BaseSiteSetting):
        if kwargs.get("created"):
            return  # made with its defaults on first read (for_site): nothing shown changes
        documents.bump_generations([documents.site_key(instance.site_id)])
        invalidate([f"s{instance.site_id}", "c"])
    elif isinstance(instance, BaseGenericSetting):
        documents.bump_generations([documents.ALL])
        invalidate([EVERYTHING, "c"])
    elif isinstance(instance, Site):
        documents.bump_generations([documents.ALL])
        invalidate([EVERYTHING, "c", "m"])
    elif isinstance(
        instance,
        (get_image_model(), get_document_model(), Collection, CollectionViewRestriction),
    ):
        documents.bump_generations([documents.ALL])
        invalidate([EVERYTHING, "m"])
    elif isinstance(instance, PageViewRestriction | Condition | ArticleReview | ClinicalReviewer):
        documents.bump_generations([documents.ALL])
        invalidate([EVERYTHING])


def connect() -> None:
    page_published.connect(page_published_receiver, dispatch_uid="api-cache-published")
    page_unpublished.connect(page_changed, dispatch_uid="api-cache-unpublished")
    for signal in (page_slug_changed, post_page_move):
        signal.connect(everything_changed, dispatch_uid=f"api-cache-{signal!r}")
    post_save.connect(page_saved, dispatch_uid="api-cache-page-saved")
    post_delete.connect(page_deleted, dispatch_uid="api-cache-page-deleted")
    post_save.connect(model_saved_or_deleted, dispatch_uid="api-cache-post-save")
    post_delete.connect(model_saved_or_deleted, dispatch_uid="api-cache-post-delete")
    post_save.connect(read_total_saved, sender=ReadTotal, dispatch_uid="api-cache-read-total")
    read_totals_refreshed.connect(read_totals_changed, dispatch_uid="api-cache-read-totals")
    published.connect(local_content_changed, dispatch_uid="api-cache-local-published")
    unpublished.connect(local_content_changed, dispatch_uid="api-cache-local-unpublished")
    post_delete.connect(
        local_content_changed, sender=LocalContent, dispatch_uid="api-cache-local-deleted"
    )
