"""Aliases show their original's publication dates.

Wagtail's ``create_alias`` leaves ``first_published_at`` empty and publishing the original
copies only ``last_published_at``, so an article offered at a branch would read as never
published: "newest first" would be id order and partners would show no date. The dates are an
article's, not a copy's: every alias carries those of the original its chain ends at.
"""

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from wagtail.models import Page

from .selectors import original_id_expression


def share_original_dates(alias_ids: Iterable[int]) -> int:
    """Copy each alias's original's first and last publication date onto it: one UPDATE."""
    ids = set(alias_ids)
    if not ids:
        return 0
    original = Page.objects.filter(pk=OuterRef("original_id"))
    dates = (
        Page.objects.filter(pk__in=ids, alias_of__isnull=False)
        .annotate(original_id=original_id_expression())
        .annotate(
            original_first=Subquery(original.values("first_published_at")[:1]),
            original_last=Subquery(original.values("last_published_at")[:1]),
        )
        .values_list("pk", "original_first", "original_last")
    )
    changed = 0
    for pk, first, last in dates:
        changed += Page.objects.filter(pk=pk).update(
            first_published_at=first, last_published_at=last
        )
    return changed
