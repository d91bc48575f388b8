"""The admin report of articles due, overdue or never clinically reviewed, per branch."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from cms.sites import clinic_sites

from ..models import TreatmentPage
from ..reads.history import visible_site_ids
from .models import ArticleReview, reviewer_for
from .services import ReviewState, date_state

# Rows a branch does not carry: library articles offered nowhere yet.
LIBRARY = "Library (not offered)"
ATTENTION = (ReviewState.OVERDUE, ReviewState.DUE, ReviewState.UNREVIEWED)


def report_site_ids(user) -> list[int] | None:
    """The branches whose articles ``user`` sees here; None: every branch and the library.
    Clinical reviewers review for every branch."""
    if reviewer_for(user) is not None:
        return None
    return visible_site_ids(user)


def review_due_rows(today: datetime.date, site_ids: list[int] | None) -> list[dict]:
    """One row per branch and article needing review, overdue first, by branch then date.

    An offered library article appears at every branch carrying it; four queries in all.
    """
    sites = [site for site in clinic_sites() if site_ids is None or site.pk in site_ids]
    reviews = {
        review.page_id: review for review in ArticleReview.objects.select_related("reviewer")
    }
    originals = TreatmentPage.objects.filter(alias_of__isnull=True).only("pk", "title", "path")
    aliases = TreatmentPage.objects.filter(alias_of__isnull=False).values_list(
        "alias_of_id", "path"
    )
    carried: dict[int, list[str]] = {}
    for original_id, path in aliases:
        carried.setdefault(original_id, []).append(path)
    rows = []
    for article in originals:
        review = reviews.get(article.pk)
        state = date_state(review, today)
        if state not in ATTENTION:
            continue
        paths = [article.path, *carried.get(article.pk, [])]
        branches = [s for s in sites if any(p.startswith(s.root_page.path) for p in paths)]
        shown_in = [(s.site_name or s.hostname, s.pk) for s in branches]
        if not shown_in and site_ids is None:
            shown_in = [(LIBRARY, None)]
        for branch, site_id in shown_in:
            rows.append(
                {
                    "branch": branch,
                    "site_id": site_id,
                    "article": article.title,
                    "page_id": article.pk,
                    "state": ReviewState.LABELS[state],
                    "next_review": review.next_review if review else None,
                    "last_reviewed": review.reviewed_at if review else None,
                    "reviewed_by": review.reviewer.name if review else "",
                }
            )
    order = {ReviewState.LABELS[s]: i for i, s in enumerate(ATTENTION)}
    rows.sort(
        key=lambda r: (
            r["branch"] == LIBRARY,
            r["branch"],
            order[r["state"]],
            r["next_review"] or datetime.date.min,
            r["article"],
        )
    )
    return rows


class ReviewDueReportView(ReportView):
    """Articles whose clinical review is overdue, due soon or missing, branch by branch."""

    page_title = "Clinical reviews due"
    verbose_name_plural = "branch and article rows"
    header_icon = "doc-full"
    index_url_name = "treatments_review_due_report"
    index_results_url_name = "treatments_review_due_report_results"
    columns = [
        Column("branch", label="Branch"),
        Column("article", label="Article"),
        Column("state", label="State"),
        DateColumn("next_review", label="Next review"),
        DateColumn("last_reviewed", label="Last reviewed"),
        Column("reviewed_by", label="Reviewed by"),
    ]
    list_export = [
        "branch",
        "article",
        "state",
        "next_review",
        "last_reviewed",
        "reviewed_by",
        "page_id",
        "site_id",
    ]
    export_headings = {
        "branch": "Branch",
        "article": "Article",
        "state": "State",
        "next_review": "Next review",
        "last_reviewed": "Last reviewed",
        "reviewed_by": "Reviewed by",
        "page_id": "Article id",
        "site_id": "Branch id",
    }

    def dispatch(self, request, *args, **kwargs):
        if report_site_ids(request.user) == []:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def site_ids(self) -> list[int] | None:
        return report_site_ids(self.request.user)

    def get_queryset(self):
        return review_due_rows(timezone.localdate(), self.site_ids)

    def get_filename(self):
        return f"clinical-reviews-due-{timezone.localdate().isoformat()}"
