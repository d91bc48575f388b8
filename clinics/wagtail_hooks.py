"""Admin hooks that keep branch editors inside their branch and let the library offer articles."""

from django.contrib import messages
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.widgets import Button
from wagtail.models import Page

from treatments.models import TreatmentLibraryPage
from treatments.selectors import is_library_article

from .local.hooks import register as register_local_content_hooks
from .models import ClinicBranch
from .narrowed_views import NARROWED_BULK_ACTIONS
from .offering import branches_carrying
from .selectors import pages_within_reach
from .views import ArticleBranchesView, WithdrawArticleView, may_offer


@hooks.register("register_admin_urls")
def register_clinic_urls():
    return [
        path(
            "clinics/articles/<int:page_id>/branches/",
            ArticleBranchesView.as_view(),
            name="clinics_article_branches",
        ),
        path(
            "clinics/articles/<int:page_id>/branches/<int:branch_id>/withdraw/",
            WithdrawArticleView.as_view(),
            name="clinics_withdraw_article",
        ),
    ]


@hooks.register("construct_page_chooser_queryset")
def limit_chooser_to_own_pages(pages, request):
    """Wagtail's chooser lists every page; a branch editor may only link within his branch."""
    return pages_within_reach(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def limit_explorer_to_own_pages(parent_page, pages, request):
    """Wagtail already starts the explorer at the user's subtree; this also covers direct URLs."""
    return pages_within_reach(request.user, pages)


@hooks.register("register_page_header_buttons")
def article_branches_button(page, user, view_name, next_url=None):
    """On a library article: how many branches carry it, and the way to change that."""
    if not is_library_article(page) or not may_offer(user, page):
        return
    carried = len(branches_carrying(page))
    total = ClinicBranch.objects.count()
    yield Button(
        f"Branches ({carried} of {total})",
        reverse("clinics_article_branches", args=[page.pk]),
        icon_name="site",
        priority=40,
    )


@hooks.register("construct_explorer_page_queryset")
def count_branches_carrying(parent_page, pages, request):
    """In the library's listing, how many branches show each article: one subquery, any size."""
    if parent_page.specific_class is not TreatmentLibraryPage:
        return pages
    carried = (
        Page.objects.filter(alias_of=OuterRef("pk"), withdrawal__isnull=True)
        .order_by()
        .values("alias_of")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return pages.annotate(offered_at=Coalesce(Subquery(carried), 0))


@hooks.register("register_page_listing_buttons")
def article_branches_listing_button(page, user, next_url=None):
    """Offering from the library's listing, beside each article: where it is shown, and the
    way to change that, without opening the article first."""
    count = getattr(page, "offered_at", None)
    if count is None or not may_offer(user, page):
        return
    yield Button(
        ngettext("Shown at %(n)d branch", "Shown at %(n)d branches", count) % {"n": count},
        reverse("clinics_article_branches", args=[page.pk]),
        # A small button, no icon: a listing button's icon is drawn at full size.
        classname="button button-small button-secondary",
        attrs={"aria-label": f"Branches showing {page.get_admin_display_title()}"},
        priority=20,
    )


@hooks.register("before_edit_page")
def say_which_branches_carry(request, page):
    """At the top of a library article: the branches it is on, so an editor knows his reach."""
    if request.method != "GET" or not is_library_article(page):
        return
    carried = branches_carrying(page)
    names = ClinicBranch.objects.filter(pk__in=carried).select_related("site")
    listed = ", ".join(sorted(str(b) for b in names)) or "no branch yet"
    messages.info(request, f"Shown at: {listed}. Publishing updates every branch listed.")


@hooks.register("before_unpublish_page")
def withdraw_by_deleting(request, page):
    """An unpublished alias goes live again with the original's next publish: refuse the trap.

    Editors never get here (treatments.permissions refuses them the unpublish itself); this
    stops a superuser, who passes that rule, with the reason and the way that lasts.
    """
    if not page.alias_of_id:
        return None
    messages.error(
        request,
        "A library article cannot be unpublished at one branch: the library's next publish "
        "would bring it back. Delete it here to withdraw it from this branch.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


# Registered after Wagtail's own (order 1): the registry keeps the last class per action.
for _bulk_action in NARROWED_BULK_ACTIONS:
    hooks.register("register_bulk_action", _bulk_action, order=1)


@hooks.register("construct_reports_menu")
def hide_installation_reports(request, menu_items):
    """Page types usage counts every site's pages: superusers only (see narrowed_views)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name != "page-types-usage"]


# Local content on offered articles (clinics/local/).
register_local_content_hooks()
