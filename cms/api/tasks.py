"""Work the API hands to Celery: purges of HTTP caches, and rendering delivery documents.

Purges by cache tag are sent to the HTTP caches in front of the API after content changes.

The web process never waits for a cache tier: ``request_http_purge`` queues one task per
committed change, and the task sends ``PURGE`` with the tags in an ``xkey`` header to every
URL in ``HTTP_CACHE_PURGE_URLS`` (Varnish with vmod xkey, cms/varnish/default.vcl). A cache
that is down is retried with backoff; a purge is idempotent, so a redelivered task is harmless.

Delivery documents of a published page are rendered by a worker right after the commit, so the
first answer that shows the page finds them ready; an answer never waits for the task (it
renders what it lacks itself, see ``documents``).
"""

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from wagtail.models import Page, Site

from cms.models import DeliveryDocument

from .documents import Documents

logger = logging.getLogger(__name__)

# Varnish keeps request headers under 8 KB by default: send long tag lists in parts.
MAX_HEADER_LENGTH = 4000


def request_http_purge(tags: Iterable[str]) -> None:
    if not settings.HTTP_CACHE_PURGE_URLS:
        return
    tags = sorted(set(tags))
    try:
        purge_http_cache.delay(tags)
    except Exception:
        logger.warning("could not queue an HTTP cache purge", exc_info=True)


def tag_chunks(tags: list[str]) -> Iterable[str]:
    chunk: list[str] = []
    for tag in tags:
        if chunk and len(" ".join([*chunk, tag])) > MAX_HEADER_LENGTH:
            yield " ".join(chunk)
            chunk = []
        chunk.append(tag)
    if chunk:
        yield " ".join(chunk)


def purge_url(url: str, keys: str) -> None:
    request = urllib.request.Request(url, method="PURGE", headers={"xkey": keys})  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT):  # noqa: S310
        pass


@shared_task(
    name="cms.api.purge_http_cache",
    acks_late=True,
    autoretry_for=(OSError, urllib.error.URLError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def purge_http_cache(tags: list[str]) -> int:
    """PURGE ``tags`` at every configured HTTP cache; returns the number of requests sent."""
    sent = 0
    for url in settings.HTTP_CACHE_PURGE_URLS:
        for keys in tag_chunks(tags):
            purge_url(url, keys)
            sent += 1
    logger.info("http cache purged", extra={"tags": len(tags), "requests": sent})
    return sent


def clinic_pages(site: Site):
    """The pages the pages endpoint answers with at ``site``: live, public, in its tree."""
    return Page.objects.live().public().descendant_of(site.root_page, inclusive=True)


def documents_of(site: Site) -> "Documents":
    from .pages import ClinicPagesAPIViewSet
    from .router import api_router

    return Documents(site, ClinicPagesAPIViewSet, api_router)


def request_rendering(site_ids: Iterable[int], page_id: int) -> None:
    """After a commit: render ``page_id``'s documents ahead of the first answer that needs them."""
    if not settings.API_DOCUMENTS_PRERENDER:
        return
    for site_id in site_ids:
        try:
            render_documents.delay(site_id, [page_id])
        except Exception:
            logger.warning("could not queue a document rendering", exc_info=True)


@shared_task(name="cms.api.render_documents", acks_late=True)
def render_documents(site_id: int, page_ids: list[int]) -> int:
    """Render the listing and detail documents of ``page_ids`` at a clinic, if still shown.

    Idempotent: a redelivered task renders the same documents again from the pages as they are.
    """
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if site is None:
        return 0
    shown = list(clinic_pages(site).filter(pk__in=page_ids).values_list("pk", flat=True))
    if shown:
        documents_of(site).render(shown, details=True)
    return len(shown)


def rebuild_documents(site: Site, batch_size: int = 200) -> int:
    """Render every document of ``site``, a batch of pages at a time."""
    ids = list(clinic_pages(site).order_by("path").values_list("pk", flat=True))
    documents = documents_of(site)
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        documents.render(batch)  # listing shapes in bulk
        for pk in batch:
            documents.render([pk], details=True)
    DeliveryDocument.objects.filter(site=site).exclude(page_id__in=ids).delete()
    return len(ids)
