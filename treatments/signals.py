"""Receivers: keep the read beacon's map of served articles in step with the page tree."""

import logging

import redis
from django.db import transaction

from . import services

logger = logging.getLogger(__name__)


def _rebuild() -> None:
    try:
        services.rebuild_read_map()
    except redis.RedisError:
        # The next refresh rebuilds it; until then new pages answer 404 to beacons.
        logger.warning("read map not rebuilt: read buffer unavailable")


def schedule_read_map_rebuild(**kwargs) -> None:
    """After the change commits: a rolled-back change must not reach the map."""
    transaction.on_commit(_rebuild)


def page_saved(sender, instance, created, **kwargs) -> None:
    """A new page (an alias offered at a branch is created live) changes what is served."""
    from wagtail.models import Page

    if created and isinstance(instance, Page):
        schedule_read_map_rebuild()
