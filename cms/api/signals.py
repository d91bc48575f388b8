"""Receivers that keep the API's answer cache in step with the content answers show.

Anything an answer can show bumps the content version (``cache.bump_version``): page
publishing, unpublishing, moving, deleting and saving (aliases are saved when their original
is published), view restrictions, sites, settings, conditions, media, read totals and
clinical reviews.
"""

import logging

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

from treatments.models import ArticleReview, ClinicalReviewer, Condition, ReadTotal
from treatments.reads.events import read_totals_refreshed

from .cache import bump_version

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
        ArticleReview,  # structured_data's lastReviewed and reviewedBy
        ClinicalReviewer,
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


def connect() -> None:
    for signal in (page_published, page_unpublished, page_slug_changed, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"api-cache-{signal!r}")
    post_save.connect(model_changed, dispatch_uid="api-cache-post-save")
    post_delete.connect(model_changed, dispatch_uid="api-cache-post-delete")
    read_totals_refreshed.connect(content_changed, dispatch_uid="api-cache-read-totals")
