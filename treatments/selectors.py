"""Reads about articles that several apps share: originals of aliases, library articles."""

from collections.abc import Iterable

from django.db.models import F, Func, IntegerField
from django.db.models.functions import Coalesce
from wagtail.models import Page

from .models import TreatmentLibraryPage, TreatmentPage


class AliasChainEnd(Func):
    """SQL: the page an alias chain ends at, following ``alias_of`` however deep it goes.

    Wagtail's ``create_alias`` of an alias points at that alias, so chains happen (an alias
    copied as an alias). UNION, not UNION ALL, ends the walk on a cycle; NULL then. The
    inner tables are aliased so they never shadow the outer query's ``wagtailcore_page``.
    """

    template = (
        "(WITH RECURSIVE chain(id, alias_of_id) AS ("
        "SELECT start.id, start.alias_of_id FROM wagtailcore_page start "
        "WHERE start.id = %(expressions)s "
        "UNION SELECT step.id, step.alias_of_id FROM wagtailcore_page step "
        "JOIN chain ON step.id = chain.alias_of_id"
        ") SELECT id FROM chain WHERE alias_of_id IS NULL)"
    )
    output_field = IntegerField()


def original_id_expression(field: str = "pk") -> Coalesce:
    """The id of the original of the page in ``field``: itself when it is no alias."""
    return Coalesce(AliasChainEnd(F(field)), F(field), output_field=IntegerField())


def original_ids(page_ids: Iterable[int]) -> dict[int, int]:
    """Each page's original (an article's identity for statistics and links): one query."""
    ids = set(page_ids)
    if not ids:
        return {}
    rows = Page.objects.filter(pk__in=ids).annotate(original=original_id_expression())
    return dict(rows.values_list("pk", "original"))


def original_id(page: Page) -> int:
    """A page's original; no query for a page that is no alias."""
    if not page.alias_of_id:
        return page.pk
    return original_ids([page.pk])[page.pk]


def is_library_article(page: Page) -> bool:
    """A treatment article written in the group's shared library (an original, not an alias).

    Only these are offered at branches; an alias or a branch's own article is not.
    """
    if page.specific_class is not TreatmentPage or page.alias_of_id:
        return False
    parent_path = page.path[: -Page.steplen]
    return TreatmentLibraryPage.objects.filter(path=parent_path).exists()


def pages_showing(original_page_ids: Iterable[int]) -> list[tuple[int, str]]:
    """(id, path) of each original and of every alias that shows it, down every chain.

    One query per link of the longest chain (usually two), whatever the number of pages.
    """
    found: dict[int, str] = {}
    level = Page.objects.filter(pk__in=set(original_page_ids))
    while True:
        rows = [row for row in level.values_list("pk", "path") if row[0] not in found]
        if not rows:
            return list(found.items())
        found.update(rows)
        level = Page.objects.filter(alias_of__in=[pk for pk, _ in rows])
