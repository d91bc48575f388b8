"""Receivers that keep the beacon's served-articles map in step with the page tree.

A page published, unpublished, created (an alias offered at a branch is created live), moved
or deleted, a Site or a view restriction changed: each changes what a branch serves, so the map
is rebuilt once the change commits (a rolled-back change must never reach it).
"""

import logging

import redis
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .served import rebuild_served_map

logger = logging.getLogger(__name__)


def _rebuild_served_map() -> None:
    try:
        rebuild_served_map()
    except redis.RedisError:
        # The next refresh rebuilds it; until then new pages answer 404 to beacons.
        logger.warning("read map not rebuilt: read buffer unavailable")


def schedule_map_rebuild(**kwargs) -> None:
    transaction.on_commit(_rebuild_served_map)


def page_created(sender, instance, created, **kwargs) -> None:
    if created and isinstance(instance, Page):
        schedule_map_rebuild()


def connect() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(schedule_map_rebuild, dispatch_uid=f"read-map-{signal!r}")
    post_save.connect(page_created, dispatch_uid="read-map-page-created")
    post_delete.connect(schedule_map_rebuild, sender=Page, dispatch_uid="read-map-deleted")
    for model in (Site, PageViewRestriction):
        post_save.connect(schedule_map_rebuild, sender=model, dispatch_uid=f"read-map-{model}")
        post_delete.connect(
            schedule_map_rebuild, sender=model, dispatch_uid=f"read-map-{model}-deleted"
        )
