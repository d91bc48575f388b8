"""Admin hooks of local content, registered from ``clinics/wagtail_hooks.py``."""

from django.contrib import messages
from django.urls import path, reverse
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from ..narrowed_views import UnreachableHiddenMixin
from .drift import is_stale
from .models import LocalContent, Practitioner
from .selectors import is_offered_article, local_content_of
from .views import DriftView, LocalContentReportView, MarkReviewedView, may_read_report
from .viewsets import LocalContentGroup, local_content_policy, practitioner_policy


def register() -> None:
    register_permission_policy(LocalContent, local_content_policy)
    register_permission_policy(Practitioner, practitioner_policy)
    register_snippet(LocalContentGroup)
    hooks.register("register_admin_urls", local_content_urls)
    hooks.register("register_page_header_buttons", local_content_button)
    hooks.register("before_edit_page", say_local_content_is_stale)
    hooks.register("register_reports_menu_item", local_content_report_menu_item)
    for action in narrowed_snippet_bulk_actions():
        hooks.register("register_bulk_action", action, order=1)


def local_content_urls():
    return [
        path("clinics/local/<int:pk>/drift/", DriftView.as_view(), name="clinics_local_drift"),
        path(
            "clinics/local/<int:pk>/reviewed/",
            MarkReviewedView.as_view(),
            name="clinics_local_reviewed",
        ),
        path(
            "reports/local-content/",
            LocalContentReportView.as_view(),
            name="clinics_local_report",
        ),
    ]


def local_content_button(page, user, view_name, next_url=None):
    """On an offered article (read-only at the branch): the way to its local part."""
    if not is_offered_article(page):
        return
    local = local_content_of(page)
    if local is not None:
        if local_content_policy.user_has_permission_for_instance(user, "change", local):
            yield Button(
                "Edit local content",
                reverse("wagtailsnippets_clinics_localcontent:edit", args=[local.pk]),
                icon_name="doc-full",
                priority=30,
            )
    elif local_content_policy.user_has_permission(user, "add"):
        yield Button(
            "Add local content",
            reverse("wagtailsnippets_clinics_localcontent:add") + f"?page_choice={page.pk}",
            icon_name="doc-full",
            priority=30,
        )


def say_local_content_is_stale(request, page):
    if request.method != "GET" or not is_offered_article(page):
        return
    local = local_content_of(page)
    if local is None or not local_content_policy.user_has_permission_for_instance(
        request.user, "view", local
    ):
        return
    if is_stale(local):
        messages.warning(
            request,
            format_html(
                "The library changed this article since your local content was reviewed: "
                '<a href="{}">compare</a>.',
                reverse("clinics_local_drift", args=[local.pk]),
            ),
        )


class LocalContentReportMenuItem(MenuItem):
    def is_shown(self, request):
        return may_read_report(request.user)


def local_content_report_menu_item():
    return LocalContentReportMenuItem(
        "Local content", reverse("clinics_local_report"), icon_name="doc-full", order=800
    )


def narrowed_snippet_bulk_actions():
    """Snippet bulk actions on local content and practitioners that never name, in their
    confirmation, an object of another branch (``clinics.narrowed_views``)."""
    from wagtail.snippets.bulk_actions.delete import DeleteBulkAction

    class BranchVisibleMixin(UnreachableHiddenMixin):
        def visible_ids(self, ids):
            policy = {LocalContent: local_content_policy, Practitioner: practitioner_policy}[
                self.model
            ]
            allowed = policy.instances_user_has_any_permission_for(
                self.request.user, ["view", "change"]
            )
            return set(allowed.filter(pk__in=ids).values_list("pk", flat=True))

    class BranchDeleteBulkAction(BranchVisibleMixin, DeleteBulkAction):
        models = [LocalContent, Practitioner]

    return [BranchDeleteBulkAction]
