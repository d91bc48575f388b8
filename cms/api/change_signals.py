"""Receivers that record partner-visible changes (``changes``) in the change's transaction.

Publishing fires ``post_save`` and ``page_published`` both: two events for one page in one
commit cost a row each and are compacted by the feed. An alias created live (an article
offered at a branch) fires only ``post_save``, hence that receiver. Wagtail's ``unpublish``
of a withdrawn alias comes after its ``Withdrawal`` row, so the kind tells the two apart.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import (
    page_published,
    page_unpublished,
    post_page_move,
)
from wagtail.signals import published as snippet_published
from wagtail.signals import unpublished as snippet_unpublished

from clinics.local.models import LocalContent
from clinics.models import Withdrawal
from cms.models import ChangeKind, WebhookEventType
from treatments.models import ArticleReview, ClinicalReviewer, Condition, TreatmentPage
from treatments.selectors import pages_showing

from . import changes
from .signals import DRAFT_ONLY_FIELDS


def published(sender, instance, alias=False, **kwargs) -> None:
    # A withdrawn alias republished with its original is taken straight back offline
    # (clinics.signals), whichever receiver runs first: for partners nothing happened.
    if alias and Withdrawal.objects.filter(alias_id=instance.pk).exists():
        return
    changes.record_pages([instance], ChangeKind.PUBLISHED, WebhookEventType.PAGE_PUBLISHED)


def unpublished(sender, instance, **kwargs) -> None:
    if Withdrawal.objects.filter(alias_id=instance.pk).exists():
        changes.record_pages([instance], ChangeKind.WITHDRAWN, WebhookEventType.PAGE_WITHDRAWN)
    else:
        changes.record_pages([instance], ChangeKind.UNPUBLISHED, WebhookEventType.PAGE_UNPUBLISHED)


def saved(sender, instance, created=False, update_fields=None, raw=False, **kwargs) -> None:
    if raw or not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    if created:
        if instance.live:  # an alias offered at a branch, or a page made live by code
            changes.record_pages([instance], ChangeKind.PUBLISHED, WebhookEventType.PAGE_PUBLISHED)
        return
    changes.record_pages([instance], ChangeKind.SAVED)


def deleted(sender, instance, **kwargs) -> None:
    if isinstance(instance, Page):
        changes.record_pages([instance], ChangeKind.DELETED, WebhookEventType.PAGE_DELETED)


def moved(sender, instance, parent_page_before=None, **kwargs) -> None:
    changes.record_move(instance, parent_page_before.path)


def restriction_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        changes.record_privacy(instance.page_id)


def setting_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    # Made with its defaults on first read (for_site): nothing shown changes.
    if isinstance(instance, BaseSiteSetting) and not created and not raw:
        changes.record_settings(instance.site_id)


def local_content_changed(sender, instance, raw=False, **kwargs) -> None:
    """A branch's local part (clinics.local) published, unpublished or deleted: its article
    shows it there (``local``), so the article changed for that branch's partners."""
    if raw or not isinstance(instance, LocalContent):
        return
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None and page.live:
        changes.record_pages([page], ChangeKind.SAVED, WebhookEventType.PAGE_PUBLISHED)


def pages_showing_originals(original_ids) -> list[Page]:
    """The originals and every branch's copy of them: each shows what the originals show."""
    ids = [pk for pk, _ in pages_showing(original_ids)]
    return list(Page.objects.filter(pk__in=ids)) if ids else []


def article_shows_changed(sender, instance, raw=False, **kwargs) -> None:
    """What articles show besides their own fields (their clinical review, its reviewer, their
    conditions) changed: the articles showing it changed, at every branch carrying them."""
    if raw:
        return
    if isinstance(instance, ArticleReview):
        originals = [instance.page_id]
    elif isinstance(instance, ClinicalReviewer):
        originals = ArticleReview.objects.filter(reviewed_by=instance).values_list(
            "page_id", flat=True
        )
    elif isinstance(instance, Condition):
        originals = TreatmentPage.objects.filter(conditions=instance).values_list("pk", flat=True)
    else:
        return
    changes.record_pages(pages_showing_originals(list(originals)), ChangeKind.SAVED)


def connect() -> None:
    page_published.connect(published, dispatch_uid="sync-published")
    page_unpublished.connect(unpublished, dispatch_uid="sync-unpublished")
    post_page_move.connect(moved, dispatch_uid="sync-moved")
    post_save.connect(saved, dispatch_uid="sync-page-saved")
    post_delete.connect(deleted, dispatch_uid="sync-page-deleted")
    post_save.connect(setting_saved, dispatch_uid="sync-setting-saved")
    snippet_published.connect(local_content_changed, dispatch_uid="sync-local-published")
    snippet_unpublished.connect(local_content_changed, dispatch_uid="sync-local-unpublished")
    post_delete.connect(
        local_content_changed, sender=LocalContent, dispatch_uid="sync-local-deleted"
    )
    for model in (ArticleReview, ClinicalReviewer, Condition):
        post_save.connect(article_shows_changed, sender=model, dispatch_uid=f"sync-{model}-saved")
        # Before the delete: afterwards nothing links the articles to it any more.
        pre_delete.connect(
            article_shows_changed, sender=model, dispatch_uid=f"sync-{model}-deleted"
        )
    for signal in (post_save, post_delete):
        signal.connect(
            restriction_changed, sender=PageViewRestriction, dispatch_uid=f"sync-privacy-{signal!r}"
        )
