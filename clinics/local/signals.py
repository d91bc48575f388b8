"""Receivers that keep each local part's search entry (the article as its branch shows it) current.

The entry joins the shared text and the local text (``LocalContent.article_text_here``): it is
rebuilt when the local part is published (after its practitioners are saved, which the row's
own save precedes) and when the library publishes the article again (every alias is
republished then).
"""

from wagtail.search.index import insert_or_update_object
from wagtail.signals import page_published, published

from .models import LocalContent


def local_content_published(sender, instance, **kwargs) -> None:
    if isinstance(instance, LocalContent):
        insert_or_update_object(instance)


def article_published(sender, instance, **kwargs) -> None:
    if not instance.alias_of_id:
        return
    for local in LocalContent.objects.filter(page_id=instance.pk, live=True):
        insert_or_update_object(local)


def connect() -> None:
    published.connect(local_content_published, dispatch_uid="clinics-local-search-published")
    page_published.connect(article_published, dispatch_uid="clinics-local-search-article")
