"""Wagtail admin URLs answered by the narrowed views (``clinics/narrowed_views.py``).

Included in ``cms/urls.py`` just before Wagtail's admin URLs, with the same paths (and no
names: ``reverse()`` of Wagtail's names gives these same paths), so every link Wagtail makes
reaches these views.
"""

from django.urls import path
from wagtail.admin.auth import require_admin_access

from . import narrowed_views as views


def _admin(view):
    return require_admin_access(view)


urlpatterns = [
    path(
        "choose-page/<int:parent_page_id>/",
        _admin(views.ReachableBrowseView.as_view()),
    ),
    path(
        "choose-page/chosen-multiple/",
        _admin(views.ReachableChosenMultipleView.as_view()),
    ),
    path("reports/workflow/", _admin(views.ReachableWorkflowView.as_view())),
    path(
        "reports/workflow/results/",
        _admin(views.ReachableWorkflowView.as_view(results_only=True)),
    ),
    path("reports/workflow_tasks/", _admin(views.ReachableWorkflowTasksView.as_view())),
    path(
        "reports/workflow_tasks/results/",
        _admin(views.ReachableWorkflowTasksView.as_view(results_only=True)),
    ),
    path("reports/site-history/", _admin(views.ReachableLogEntriesView.as_view())),
    path(
        "reports/site-history/results/",
        _admin(views.ReachableLogEntriesView.as_view(results_only=True)),
    ),
    path(
        "reports/page-types-usage/",
        _admin(views.SuperuserPageTypesUsageReportView.as_view()),
    ),
    path(
        "reports/page-types-usage/results/",
        _admin(views.SuperuserPageTypesUsageReportView.as_view(results_only=True)),
    ),
]
