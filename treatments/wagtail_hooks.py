"""Admin hooks: conditions as snippets, the article reads report, the import-review flag."""

from django.core.exceptions import PermissionDenied
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
