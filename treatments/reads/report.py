"""The admin report of reads: per article and branch over 7, 30 or 365 days, with a chart."""

import datetime

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import DateField, Q, Value
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.models import Page, Site

from ..models import TreatmentPage
from ..selectors import original_id_expression
from .history import daily_totals, reads_by_article_and_branch, visible_site_ids
from .models import DailyRead

PERIODS = {"7": "Last 7 days", "30": "Last 30 days", "365": "Last 365 days"}
DEFAULT_PERIOD = "30"


def _branches(request):
    site_ids = visible_site_ids(request.user)
    sites = Site.objects.order_by("site_name", "hostname")
    return sites if site_ids is None else sites.filter(id__in=site_ids)


def _articles(request):
    """Originals only (an alias's reads are its original's), and for branch staff only those
    their branches show: another branch's articles are not theirs to know of."""
    originals = TreatmentPage.objects.filter(alias_of__isnull=True).order_by("title")
    site_ids = visible_site_ids(request.user)
    if site_ids is None:
        return originals
    within = Q(pk__in=[])
    for site in Site.objects.filter(pk__in=site_ids).select_related("root_page"):
        within |= Q(path__startswith=site.root_page.path)
    shown = Page.objects.filter(within).annotate(original=original_id_expression())
    return originals.filter(pk__in=shown.values("original"))


class ReadRowsPaginator(WagtailPaginator):
    """Rows are an article's reads at one branch over the period, not single days' reads."""

    verbose_name = "article and branch total"
    verbose_name_plural = "article and branch totals"


class ReadReportFilterSet(WagtailFilterSet):
    # Applied by the view, which also supplies the default period.
    period = django_filters.ChoiceFilter(
        label="Period",
        choices=list(PERIODS.items()),
        empty_label=None,
        method=lambda queryset, name, value: queryset,
    )
    site = django_filters.ModelChoiceFilter(
        label="Branch", field_name="site", queryset=_branches, empty_label="All branches"
    )
    page = django_filters.ModelChoiceFilter(
        label="Article", field_name="page", queryset=_articles, empty_label="All articles"
    )

    class Meta:
        model = DailyRead
        fields: list[str] = []


class ReadReportView(ReportView):
    """Which articles are read, at which branch; a branch editor sees only his branches."""

    page_title = "Article reads"
    verbose_name_plural = "article and branch rows"
    header_icon = "view"
    results_template_name = "treatments/reports/read_report_results.html"
    paginator_class = ReadRowsPaginator
    filterset_class = ReadReportFilterSet
    index_url_name = "treatments_reads_report"
    index_results_url_name = "treatments_reads_report_results"
    columns = [
        Column("article", label="Article"),
        Column("branch", label="Branch"),
        Column("reads", label="Reads"),
    ]
    list_export = [
        "article",
        "branch",
        "hostname",
        "reads",
        "page_id",
        "site_id",
        "period_start",
        "period_end",
    ]
    export_headings = {
        "article": "Article",
        "branch": "Branch",
        "hostname": "Branch hostname",
        "reads": "Reads",
        "page_id": "Article id",
        "site_id": "Branch id",
        # Each row sums these days, inclusive: a file read later still says which period.
        "period_start": "From",
        "period_end": "To",
    }

    def dispatch(self, request, *args, **kwargs):
        if visible_site_ids(request.user) == []:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def site_ids(self) -> list[int] | None:
        return visible_site_ids(self.request.user)

    @cached_property
    def days(self) -> int:
        # Read on its own: another filter refused (a branch not the user's) keeps the period.
        period = self.request.GET.get("period")
        return int(period if period in PERIODS else DEFAULT_PERIOD)

    @cached_property
    def end(self) -> datetime.date:
        return timezone.localdate()

    @cached_property
    def start(self) -> datetime.date:
        return self.end - datetime.timedelta(days=self.days - 1)

    def get_queryset(self):
        rows = DailyRead.objects.all()
        if self.site_ids is not None:
            rows = rows.filter(site_id__in=self.site_ids)
        return rows

    def get_filtered_queryset(self):
        rows = self.filter_queryset(self.get_queryset()).filter(date__range=(self.start, self.end))
        return reads_by_article_and_branch(rows).annotate(
            period_start=Value(self.start, output_field=DateField()),
            period_end=Value(self.end, output_field=DateField()),
        )

    def get_filename(self):
        return f"article-reads-{self.start.isoformat()}-to-{self.end.isoformat()}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chart"] = self.chart()
        context["period_label"] = PERIODS[str(self.days)]
        return context

    def chart(self) -> dict:
        """Bars for an inline SVG: one per day over the selection, scaled to the busiest day."""
        data = self.filters.form.cleaned_data if self.filters.is_valid() else {}
        site_ids = [data["site"].id] if data.get("site") else self.site_ids
        page = data.get("page")
        days = daily_totals(self.start, self.end, site_ids, page.id if page else None)
        busiest_day, peak = max(days, key=lambda day: (day[1], day[0]))
        scale = peak or 1  # no reads: flat bars, and no busiest day to name
        width, height = 6, 120
        return {
            "width": width * len(days),
            "height": height,
            "peak": peak,
            "busiest_day": busiest_day if peak else None,
            "total": sum(n for _, n in days),
            "first": days[0][0],
            "last": days[-1][0],
            "bars": [
                {
                    "x": i * width,
                    "y": height - round(n * height / scale),
                    "h": round(n * height / scale),
                    "w": width - 1,
                    "day": day,
                    "reads": n,
                }
                for i, (day, n) in enumerate(days)
            ],
        }
