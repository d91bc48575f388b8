"""Reads as people look at them: per day, per article and branch, and who may see which."""

from datetime import date, timedelta

from django.db.models import F, QuerySet, Sum
from wagtail.models import GroupPagePermission

from cms.sites import clinic_site_rows

from ..models import TreatmentLibraryPage
from .models import DailyRead


def reads_by_article_and_branch(rows: QuerySet) -> QuerySet:
    """Daily rows summed per article and branch, most read first, as dicts for reports."""
    return (
        rows.values("page_id", "site_id")
        .annotate(
            article=F("page__title"),
            branch=F("site__site_name"),
            hostname=F("site__hostname"),
            reads=Sum("count"),
        )
        .order_by("-reads", "article", "branch")
    )


def daily_totals(
    start: date, end: date, site_ids: list[int] | None = None, page_id: int | None = None
) -> list[tuple[date, int]]:
    """Reads per day from ``start`` to ``end`` inclusive, days without reads as 0."""
    rows = DailyRead.objects.filter(date__range=(start, end))
    if site_ids is not None:
        rows = rows.filter(site_id__in=site_ids)
    if page_id is not None:
        rows = rows.filter(page_id=page_id)
    counts = dict(rows.values("date").annotate(reads=Sum("count")).values_list("date", "reads"))
    days = (end - start).days + 1
    return [(day, counts.get(day, 0)) for day in (start + timedelta(n) for n in range(days))]


def branch_total(site_id: int, page_id: int) -> int:
    """All reads of an article at one branch, every day summed (imported counts are no
    branch's: they stay in the group total)."""
    rows = DailyRead.objects.filter(site_id=site_id, page_id=page_id)
    return rows.aggregate(total=Sum("count"))["total"] or 0


def visible_site_ids(user) -> list[int] | None:
    """The branches whose numbers ``user`` may see; None means every branch.

    Superusers and editors with permissions on the library (or above it) see all. A branch
    editor's permissions sit on his branch's home page: he sees the Sites of that clinic.
    """
    if user.is_superuser:
        return None
    permitted = list(
        GroupPagePermission.objects.filter(group__user=user)
        .values_list("page__path", flat=True)
        .distinct()
    )
    library_paths = TreatmentLibraryPage.objects.values_list("path", flat=True)
    if any(lib.startswith(p) for p in permitted for lib in library_paths):
        return None
    reachable = (
        site.pk
        for site in clinic_site_rows()
        if any(
            site.root_page.path.startswith(p) or p.startswith(site.root_page.path)
            for p in permitted
        )
    )
    return sorted(reachable)
