"""Loading what an answer shows in a fixed number of queries, whatever its number of items."""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import OuterRef, Subquery, prefetch_related_objects
from wagtail.models import Page, Site

from treatments.models import ReadTotal
from treatments.selectors import original_id_expression


def prefetch_api_relations(items: list, fields: list[str]) -> None:
    """Fetch every relation the answer shows in one query each, however many items there are.

    Covers inline children (ParentalKey), many-to-many fields and foreign keys alike, so an
    APIField added later (an image, a gallery) is fetched in bulk without a change here.
    Fields whose serializer loads its rows for the whole answer itself (``loads_in_bulk``: the
    image and gallery fields of ``cms.renditions``) are skipped: prefetching them too would read
    the same rows twice.
    """
    if not items:
        return
    model = type(items[0])
    self_loading = {
        api_field.name
        for api_field in getattr(model, "api_fields", [])
        if getattr(getattr(api_field, "serializer", None), "loads_in_bulk", False)
    }
    lookups = []
    for name in fields:
        if name in self_loading:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and (field.many_to_many or field.one_to_many or field.concrete):
            lookups.append(name)
    prefetch_related_objects(items, *lookups)


def share_site_root_paths(pages: list) -> None:
    """Every page's ``html_url`` from one read of the sites' root paths, not one per page.

    Wagtail caches those paths on the page it builds a URL for when given no request, so a
    listing of 100 read them from the cache 100 times (a Redis round trip and an unpickle
    each: the biggest cost of a cache-off listing in docs/performance.md).
    """
    if not pages:
        return
    paths = Site.get_site_root_paths()
    for page in pages:
        page._wagtail_cached_site_root_paths = paths


def attach_read_totals(pages: list) -> None:
    """``read_count`` and ``read_count_refreshed_at`` of each page's original, in one query.

    An alias shows its original's reads, following alias chains to the end.
    """
    if not pages:
        return
    total = ReadTotal.objects.filter(page_id=OuterRef("original"))
    rows = (
        Page.objects.filter(pk__in={page.pk for page in pages})
        .annotate(original=original_id_expression())
        .annotate(
            count=Subquery(total.values("count")[:1]),
            refreshed_at=Subquery(total.values("refreshed_at")[:1]),
        )
        .values_list("pk", "count", "refreshed_at")
    )
    totals = {pk: (count or 0, refreshed_at) for pk, count, refreshed_at in rows}
    for page in pages:
        page.read_count, page.read_count_refreshed_at = totals.get(page.pk, (0, None))
