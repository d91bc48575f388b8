"""Celery tasks of the delivery documents: rendering ahead of the first answer, rebuilding.

A published page's documents are rendered by a worker right after the commit, so the first
answer that shows the page finds them ready; an answer never waits for the task (it renders
what it lacks itself, see ``documents``).
"""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings
from wagtail.models import Site

from cms.models import DeliveryDocument

from .documents import Documents, clinic_pages
from .sync import prune_events

logger = logging.getLogger(__name__)


def documents_of(site: Site) -> Documents:
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


@shared_task(name="cms.api.prune_change_events")
def prune_change_events() -> int:
    """Daily: drop the partner feed's change events past ``SYNC_EVENT_RETENTION_DAYS``."""
    return prune_events()


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


@shared_task(name="cms.api.replay_missed_invalidations")
def replay_missed_invalidations() -> int:
    """Beat, every API_INVALIDATION_REPLAY_INTERVAL seconds: bump what Redis missed (cache)."""
    from .cache import replay_missed

    return replay_missed()
