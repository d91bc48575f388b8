"""Receivers that keep aliases' publication dates those of their original (``aliases``)."""

from django.db.models.signals import post_save
from wagtail.models import Page
from wagtail.signals import page_published

from .aliases import share_original_dates


def alias_created(sender, instance, created, **kwargs) -> None:
    """``create_alias`` saves the new alias once, with no dates: give it the original's."""
    if created and isinstance(instance, Page) and instance.alias_of_id:
        share_original_dates([instance.pk])
        instance.refresh_from_db(fields=["first_published_at", "last_published_at"])


def alias_republished(sender, instance, alias=False, **kwargs) -> None:
    """Publishing an original republishes each alias (``alias=True``) after its own save."""
    if alias:
        share_original_dates([instance.pk])


def connect() -> None:
    post_save.connect(alias_created, dispatch_uid="alias-dates-created")
    page_published.connect(alias_republished, dispatch_uid="alias-dates-republished")
