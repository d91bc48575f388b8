"""Wagtail admin views that take ids or list names, narrowed to what the user may reach.

Wagtail checks rights before acting, but several of its views name what they refuse or list
every user and workflow: the page chooser's ``chosen-multiple`` and ``choose-page/<id>/``, the
bulk actions' confirmation pages (for pages, images and documents), the page types usage
report, and the user and workflow filters of the workflow and site history reports. A branch
editor asking for another branch's ids would read its titles, drafts included. These
subclasses keep Wagtail's behaviour and drop what lies outside the user's reach: pages outside
his subtrees (``pages_within_reach``), media outside his collections, users and workflows that
never touched his pages. ``clinics/admin_urls.py`` routes Wagtail's URLs to them; the bulk
actions are registered over Wagtail's in ``clinics/wagtail_hooks.py``.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from wagtail.admin.views import chooser
from wagtail.admin.views.pages import bulk_actions as page_bulk_actions
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.views.reports.workflows import (
    WorkflowReportFilterSet,
    WorkflowTasksReportFilterSet,
    WorkflowTasksView,
    WorkflowView,
)
from wagtail.documents.views import bulk_actions as document_bulk_actions
from wagtail.images.views import bulk_actions as image_bulk_actions
from wagtail.models import (
    GroupPagePermission,
    Page,
    PageLogEntry,
    Task,
    Workflow,
    WorkflowPage,
    WorkflowState,
)
from wagtail.models.pages import get_default_page_content_type

from .selectors import pages_within_reach, permitted_roots


def reachable_pages(user, page_ids=None) -> QuerySet[Page]:
    pages = Page.objects.all() if page_ids is None else Page.objects.filter(pk__in=page_ids)
    return pages_within_reach(user, pages)


def page_ids(values: list[str]) -> list[int]:
    """The ids among the values; a non-number names no page (never a 500)."""
    return [int(value) for value in values if value.isdigit()]


# Choosers


class ReachableBrowseView(chooser.BrowseView):
    """Browsing from a page outside the user's reach is no page: its title stays unseen."""

    def get(self, request, parent_page_id=None):
        if parent_page_id and not reachable_pages(request.user, [parent_page_id]).exists():
            raise Http404
        return super().get(request, parent_page_id)


class ReachableChosenMultipleView(chooser.ChosenMultipleView):
    """Only the chosen pages within reach are returned to the chooser."""

    def get(self, request):
        ids = reachable_pages(request.user, page_ids(request.GET.getlist("id")))
        request.GET = request.GET.copy()
        request.GET.setlist("id", [str(pk) for pk in ids.values_list("pk", flat=True)])
        return super().get(request)


# Bulk actions' confirmation pages


class UnreachableHiddenMixin:
    """Items the user may not act on are listed as refused only if he may know of them."""

    def visible_ids(self, ids: list[int]) -> set[int]:
        raise NotImplementedError

    def get_actionable_objects(self):
        objects, context = super().get_actionable_objects()
        refused = context["items_with_no_access"]
        visible = self.visible_ids([item.pk for item in refused]) if refused else set()
        context["items_with_no_access"] = [item for item in refused if item.pk in visible]
        return objects, context


class ReachablePagesMixin(UnreachableHiddenMixin):
    def visible_ids(self, ids):
        return set(reachable_pages(self.request.user, ids).values_list("pk", flat=True))


class ReachableMediaMixin(UnreachableHiddenMixin):
    def visible_ids(self, ids):
        collections = self.permission_policy.collections_user_has_any_permission_for(
            self.request.user, ["add", "change", "delete", "choose"]
        )
        return set(
            self.model.objects.filter(pk__in=ids, collection__in=collections).values_list(
                "pk", flat=True
            )
        )


def _narrowed(mixin, base):
    return type(base.__name__, (mixin, base), {"__module__": __name__})


NARROWED_BULK_ACTIONS = [
    *(
        _narrowed(ReachablePagesMixin, base)
        for base in (
            page_bulk_actions.DeleteBulkAction,
            page_bulk_actions.MoveBulkAction,
            page_bulk_actions.PublishBulkAction,
            page_bulk_actions.UnpublishBulkAction,
        )
    ),
    *(
        _narrowed(ReachableMediaMixin, base)
        for module in (image_bulk_actions, document_bulk_actions)
        for base in (
            module.DeleteBulkAction,
            module.AddTagsBulkAction,
            module.AddToCollectionBulkAction,
        )
    ),
]


# Reports


def _page_ids_as_text(user):
    """Reachable page ids as text: workflow states and logs point at pages by text id."""
    return reachable_pages(user).values_list(Cast("pk", output_field=CharField()), flat=True)


def colleagues(user) -> QuerySet:
    """The user and those holding page rights in his subtrees: the names he may read."""
    User = get_user_model()
    within = Q(pk__in=[])
    for root in permitted_roots(user):
        within |= Q(page__path__startswith=root.path)
    groups = GroupPagePermission.objects.filter(within).values("group")
    return User.objects.filter(Q(groups__in=groups) | Q(pk=user.pk)).distinct()


def _states_on_reachable_pages(user):
    return WorkflowState.objects.filter(
        base_content_type=get_default_page_content_type(),
        object_id__in=_page_ids_as_text(user),
    )


def reachable_workflows(user) -> QuerySet[Workflow]:
    """Workflows on the user's pages: assigned to them or above them, or run on them."""
    if user.is_superuser:
        return Workflow.objects.all()
    assigned = WorkflowPage.objects.filter(page__in=reachable_pages(user)).values("workflow")
    run = _states_on_reachable_pages(user).values("workflow")
    return Workflow.objects.filter(pk__in=assigned) | Workflow.objects.filter(pk__in=run)


def _requesters(user):
    User = get_user_model()
    if user.is_superuser:
        return User.objects.filter(pk__in=WorkflowState.objects.values("requested_by"))
    requested = _states_on_reachable_pages(user).values("requested_by")
    return User.objects.filter(pk__in=requested).order_by(User.USERNAME_FIELD)


class ReachableWorkflowReportFilterSet(WorkflowReportFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.filters["requested_by"].queryset = _requesters(user)
        self.filters["workflow"].queryset = reachable_workflows(user)


class ReachableWorkflowTasksReportFilterSet(WorkflowTasksReportFilterSet):
    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        workflows = reachable_workflows(request.user)
        self.filters["workflow"].queryset = workflows
        tasks = Task.objects.filter(workflow_tasks__workflow__in=workflows)
        self.filters["task"].queryset = tasks.distinct()


class ReachableSiteHistoryReportFilterSet(SiteHistoryReportFilterSet):
    def get_users_queryset(self):
        users = super().get_users_queryset()
        user = self.request.user
        if user.is_superuser:
            return users
        on_pages = PageLogEntry.objects.filter(page__in=reachable_pages(user)).values("user")
        return users.filter(Q(pk__in=on_pages) | Q(pk__in=colleagues(user).values("pk")))


class ReachableWorkflowView(WorkflowView):
    filterset_class = ReachableWorkflowReportFilterSet


class ReachableWorkflowTasksView(WorkflowTasksView):
    filterset_class = ReachableWorkflowTasksReportFilterSet


class ReachableLogEntriesView(LogEntriesView):
    filterset_class = ReachableSiteHistoryReportFilterSet


class SuperuserPageTypesUsageReportView(PageTypesUsageReportView):
    """Counts and last-edited titles of every page type across every site: an installation's
    report, for superusers; a branch's staff would read other branches' numbers and drafts."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
