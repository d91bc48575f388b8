"""Read statistics and what the branches serve: shared by the beacon, tasks, API and reports."""

from datetime import date, timedelta

from django.db.models import F, QuerySet, Sum
from wagtail.models import GroupPagePermission, Page, PageViewRestriction, Site

from clinics.models import ClinicHomePage

from .models import DailyRead, TreatmentLibraryPage, TreatmentPage


def _site_for_path(path: str, sites: list[dict]) -> dict | None:
    for site in sites:
        if path.startswith(site["path"]):
            return site
    return None


def _original(page_id: int, alias_of: dict[int, int | None]) -> int:
    """Follow alias chains (an alias of an alias points at the alias) to the original."""
    seen = set()
    while alias_of.get(page_id) and page_id not in seen:
        seen.add(page_id)
        page_id = alias_of[page_id]
    return page_id


def _host_fields(sites: list[dict]) -> dict[str, str]:
    """Branch lookups by host, mirroring Wagtail's Site.find_for_request.

    ``h:<host>:<port>`` is an exact match; ``h:<host>`` the site a hostname gets on any other
    port (its default site, else its only site); ``default`` the fallback for unknown hosts.
    """
    fields = {}
    by_host: dict[str, list[dict]] = {}
    for site in sites:
        fields[f"h:{site['hostname']}:{site['port']}"] = str(site["id"])
        by_host.setdefault(site["hostname"], []).append(site)
        if site["is_default_site"]:
            fields["default"] = str(site["id"])
    for hostname, matches in by_host.items():
        defaults = [s for s in matches if s["is_default_site"]]
        if defaults or len(matches) == 1:
            fields[f"h:{hostname}"] = str((defaults or matches)[0]["id"])
    return fields


def read_map_fields() -> dict[str, str]:
    """The beacon's lookup table: branches by host or clinic, and the articles each serves.

    ``p:<site id>:<page id>`` -> original id, for every live article outside private sections
    under the site's root; ``c:<clinic slug or hostname>`` -> site id. Three queries, whatever
    the number of articles.
    """
    sites = list(
        Site.objects.values(
            "id",
            "hostname",
            "port",
            "is_default_site",
            slug=F("root_page__slug"),
            path=F("root_page__path"),
        ).order_by("-path", "id")  # deepest root first: nested sites claim their own pages
    )
    private_paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    pages = list(TreatmentPage.objects.values_list("id", "path", "alias_of_id", "live"))
    alias_of = {page_id: alias for page_id, _, alias, _ in pages}

    fields = _host_fields(sites)
    for site in sites:
        fields[f"c:{site['slug']}"] = str(site["id"])
        fields.setdefault(f"c:{site['hostname']}", str(site["id"]))
    for page_id, path, _, live in pages:
        if not live or any(path.startswith(p) for p in private_paths):
            continue
        site = _site_for_path(path, sites)
        if site is not None:
            fields[f"p:{site['id']}:{page_id}"] = str(_original(page_id, alias_of))
    return fields


def original_id(page: Page) -> int:
    """An article's identity for statistics: the library original of an alias."""
    return page.alias_of_id or page.id


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


def visible_site_ids(user) -> list[int] | None:
    """The branches whose numbers ``user`` may see; None means every branch.

    Superusers and editors with permissions on the library (or above it) see all. A branch
    editor's permissions sit on a ClinicHomePage subtree: he sees the sites of those branches.
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
    branch_roots = ClinicHomePage.objects.values_list("path", flat=True)
    roots = [r for r in branch_roots if any(r.startswith(p) or p.startswith(r) for p in permitted)]
    return list(
        Site.objects.filter(root_page__path__in=roots).order_by("id").values_list("id", flat=True)
    )
