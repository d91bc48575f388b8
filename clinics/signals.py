"""Receivers for offering: a withdrawn alias stays offline when its original is published."""

import logging

from wagtail.models import Page
from wagtail.signals import page_published

from .models import Withdrawal

logger = logging.getLogger(__name__)


def keep_withdrawn_alias_offline(sender, instance, alias=False, **kwargs) -> None:
    """Wagtail's ``update_aliases`` publishes every alias of a published page; undo it for a
    withdrawn one, in the same transaction, before anything outside it can see the alias live.
    """
    if not alias or not Withdrawal.objects.filter(alias_id=instance.pk).exists():
        return
    Page.objects.filter(pk=instance.pk).update(live=False, has_unpublished_changes=False)
    instance.live = False
    logger.info("withdrawn alias kept offline", extra={"page": instance.pk})


def connect() -> None:
    page_published.connect(keep_withdrawn_alias_offline, dispatch_uid="clinics-withdrawn-alias")
