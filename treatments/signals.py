"""Receivers that keep derived state in step with the content it comes from.

Two consumers: the API's answer cache (anything an answer can show bumps its content version:
page publishing, unpublishing, moving, deleting and saving — aliases are saved when their
original is published — view restrictions, sites, settings, conditions, media and read totals),
and the read beacon's map of served articles (rebuilt when the page tree changes).
"""

import logging

import redis
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
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from . import services
from .api.cache import bump_version
from .events import read_totals_refreshed
from .models import Condition, ReadTotal

logger = logging.getLogger(__name__)


def watched_models() -> tuple[type, ...]:
    return (
        Page,
        PageViewRestriction,
        CollectionViewRestriction,
        Collection,
        Site,
        BaseSiteSetting,  # ClinicSettings and any setting added later
        BaseGenericSetting,
        Condition,
        ReadTotal,
        get_image_model(),
        get_document_model(),
    )


def content_changed(sender=None, **kwargs) -> None:
    """Bump now, for this process and tests, and again after commit.

    The bump after commit is the one that matters across processes: an answer built from data
    read before the commit carries the version read before it, which this bump outdates.
    """
    bump_version()
    transaction.on_commit(bump_version)
    logger.debug("api content version bumped", extra={"sender": getattr(sender, "__name__", "")})


def model_changed(sender, instance, **kwargs) -> None:
    if not isinstance(instance, watched_models()):
        return
    content_changed(sender)


def _rebuild_read_map() -> None:
    try:
        services.rebuild_read_map()
    except redis.RedisError:
        # The next refresh rebuilds it; until then new pages answer 404 to beacons.
        logger.warning("read map not rebuilt: read buffer unavailable")


def schedule_read_map_rebuild(**kwargs) -> None:
    """After the change commits: a rolled-back change must not reach the map."""
    transaction.on_commit(_rebuild_read_map)


def page_created(sender, instance, created, **kwargs) -> None:
    """A new page (an alias offered at a branch is created live) changes what is served."""
    if created and isinstance(instance, Page):
        schedule_read_map_rebuild()


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"api-cache-{signal!r}")
    post_save.connect(model_changed, dispatch_uid="api-cache-post-save")
    post_delete.connect(model_changed, dispatch_uid="api-cache-post-delete")
    read_totals_refreshed.connect(content_changed, dispatch_uid="api-cache-read-totals")

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(schedule_read_map_rebuild, dispatch_uid=f"read-map-{signal!r}")
    post_save.connect(page_created, dispatch_uid="read-map-page-created")
    post_delete.connect(schedule_read_map_rebuild, sender=Page, dispatch_uid="read-map-deleted")
    for model in (Site, PageViewRestriction):
        post_save.connect(schedule_read_map_rebuild, sender=model, dispatch_uid=f"read-map-{model}")
        post_delete.connect(
            schedule_read_map_rebuild, sender=model, dispatch_uid=f"read-map-{model}-deleted"
        )
