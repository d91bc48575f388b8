"""Admin hooks: the article reads report."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .reads.history import visible_site_ids
from .reads.report import ReadReportView


class ReadReportMenuItem(MenuItem):
    def is_shown(self, request):
        return visible_site_ids(request.user) != []


@hooks.register("register_reports_menu_item")
def register_read_report_menu_item():
    return ReadReportMenuItem(
        "Article reads", reverse("treatments_reads_report"), icon_name="view", order=750
    )


@hooks.register("register_admin_urls")
def register_read_report_urls():
    return [
        path("reports/reads/", ReadReportView.as_view(), name="treatments_reads_report"),
        path(
            "reports/reads/results/",
            ReadReportView.as_view(results_only=True),
            name="treatments_reads_report_results",
        ),
    ]
