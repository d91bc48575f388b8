"""Admin hooks: conditions as snippets, the article reads report, the explorer's import-review
flag, and clinical governance (reviewers, the publish refusal, the review-due report, the
explorer's review tag)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.actions.convert_alias import (
    ConvertAliasPageAction,
    ConvertAliasPagePermissionError,
)
from wagtail.admin.api.actions.convert_alias import ConvertAliasPageAPIAction
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from .governance.listing import STATE_CLASSES, listing_state, listing_title, with_review_dates
from .governance.models import ClinicalReviewer, reviewer_for
from .governance.report import ReviewDueReportView, report_site_ids
from .governance.reviews import covers, review_of
from .governance.services import ReviewState, sync_reviewers_group
from .models import Condition
from .permissions import can_convert_alias
from .reads.history import visible_site_ids
from .reads.report import ReadReportView
from .review import review_notes, with_review_notes


class RuledConvertAliasPageAction(ConvertAliasPageAction):
    """Wagtail asks only for edit rights to convert an alias; the alias rule asks more."""

    def check(self, skip_permission_checks=False):
        super().check(skip_permission_checks=skip_permission_checks)
        if not skip_permission_checks and self.user and not can_convert_alias(self.page, self.user):
            raise ConvertAliasPagePermissionError(
                "A library article shown at a branch is not converted into a copy there."
            )


class RuledConvertAliasPageAPIAction(ConvertAliasPageAPIAction):
    def _action_from_data(self, instance, data):
        return RuledConvertAliasPageAction(instance, user=self.request.user)


class RuledPagesAdminAPIViewSet(PagesAdminAPIViewSet):
    """The admin API's page actions, with convert_alias under the alias rule; the others
    (unpublish, move, copy, publish, delete) already ask the page's permission tester."""

    actions = {**PagesAdminAPIViewSet.actions, "convert_alias": RuledConvertAliasPageAPIAction}


@hooks.register("construct_admin_api")
def rule_admin_api_actions(router):
    router.register_endpoint("pages", RuledPagesAdminAPIViewSet)


@hooks.register("before_convert_alias_page")
def refuse_forking_an_alias(request, page):
    """The admin's own "Convert this alias" view, under the same rule as the API's action."""
    if not can_convert_alias(page, request.user):
        raise PermissionDenied


class ConditionChooserViewSet(SnippetChooserViewSet):
    # A "Create" tab in the chooser, for users allowed to add conditions: an editor writing an
    # article makes the condition it needs without leaving the page.
    form_fields = ["name"]
    create_action_label = "Create condition"


class ConditionViewSet(SnippetViewSet):
    model = Condition
    icon = "tag"
    menu_label = "Conditions"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    chooser_viewset_class = ConditionChooserViewSet


register_snippet(ConditionViewSet)


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


@hooks.register("construct_explorer_page_queryset")
def annotate_import_review(parent_page, pages, request):
    return with_review_notes(pages)


@hooks.register("register_page_listing_buttons")
def import_review_flag(page, user, next_url=None):
    """A status tag on an article whose import left points for editors (see review.py)."""
    notes = review_notes(page)
    if notes:
        yield Button(
            "Import review",
            reverse("wagtailadmin_pages:edit", args=[page.pk]),
            classname="w-status w-status--primary",
            attrs={
                "title": ngettext(
                    "%(count)d point from the import to settle: see the editor notes",
                    "%(count)d points from the import to settle: see the editor notes",
                    len(notes),
                )
                % {"count": len(notes)},
            },
            priority=10,
        )


class ClinicalReviewerViewSet(SnippetViewSet):
    model = ClinicalReviewer
    icon = "user"
    menu_label = "Clinical reviewers"
    list_display = ["name", "credentials", "user", "active"]
    search_fields = ["name"]


register_snippet(ClinicalReviewerViewSet)


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def sync_reviewers_after_change(request, instance):
    """Reviewers' logins join or leave the "Clinical reviewers" group with their record."""
    if isinstance(instance, ClinicalReviewer):
        sync_reviewers_group()


@hooks.register("after_delete_snippet")
def sync_reviewers_after_delete(request, instances):
    if any(isinstance(instance, ClinicalReviewer) for instance in instances):
        sync_reviewers_group()


@hooks.register("before_publish_page")
def refuse_unreviewed_content(request, page):
    """The edit and create views save the form as a revision, then publish it: content no
    review covers stays a draft, with the way forward said, instead of a 403."""
    if not getattr(page, "needs_clinical_review", False):
        return None
    if covers(review_of(page), page.get_latest_revision().as_object()):
        return None
    if page.live_revision_id is None:
        # The create view adds a new page as live, then publishes: it was never published.
        type(page).objects.filter(pk=page.pk).update(live=False, has_unpublished_changes=True)
    messages.error(
        request,
        "Saved as a draft, not published: this content has no clinical review yet. "
        "Submit it for review; it is published when a clinical reviewer approves it.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("after_edit_page")
def reviewer_back_to_the_dashboard(request, page):
    """A reviewer's approval ends the workflow and with it his access to the page: Wagtail
    would send him on to the library's explorer, which he may not open, so he goes back to
    his dashboard ("Awaiting your review"), with the confirmation."""
    if reviewer_for(request.user) is None or page.permissions_for_user(request.user).can_edit():
        return None
    return redirect("wagtailadmin_home")


class ReviewDueMenuItem(MenuItem):
    def is_shown(self, request):
        return report_site_ids(request.user) != []


@hooks.register("register_reports_menu_item")
def register_review_due_menu_item():
    return ReviewDueMenuItem(
        "Clinical reviews due",
        reverse("treatments_review_due_report"),
        icon_name="doc-full",
        order=760,
    )


@hooks.register("register_admin_urls")
def register_review_due_urls():
    return [
        path(
            "reports/reviews-due/",
            ReviewDueReportView.as_view(),
            name="treatments_review_due_report",
        ),
        path(
            "reports/reviews-due/results/",
            ReviewDueReportView.as_view(results_only=True),
            name="treatments_review_due_report_results",
        ),
    ]


@hooks.register("construct_explorer_page_queryset")
def annotate_clinical_review(parent_page, pages, request):
    return with_review_dates(pages)


@hooks.register("register_page_listing_buttons")
def clinical_review_status(page, user, next_url=None):
    """A status tag on each article: reviewed, due, overdue, changed since or never reviewed."""
    state = listing_state(page)
    if state is None:
        return
    yield Button(
        ReviewState.LABELS[state],
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        classname=f"w-status {STATE_CLASSES[state]}",
        attrs={"title": listing_title(page, state)},
        priority=11,
    )
