"""Admin hooks that keep branch editors inside their branch and let the library offer articles."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.widgets import Button

from treatments.selectors import is_library_article

from .models import ClinicBranch
from .offering import branches_carrying
from .selectors import pages_within_reach
from .views import ArticleBranchesView


@hooks.register("register_admin_urls")
def register_clinic_urls():
    return [
        path(
            "clinics/articles/<int:page_id>/branches/",
            ArticleBranchesView.as_view(),
            name="clinics_article_branches",
        )
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
    if not is_library_article(page) or not page.permissions_for_user(user).can_publish():
        return
    carried = len(branches_carrying(page))
    total = ClinicBranch.objects.count()
    yield Button(
        f"Branches ({carried} of {total})",
        reverse("clinics_article_branches", args=[page.pk]),
        icon_name="site",
        priority=40,
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


@hooks.register("before_convert_alias_page")
def keep_aliases_in_sync(request, page):
    """Converting an alias forks the article at one branch; only library editors decide that."""
    if not page.alias_of.permissions_for_user(request.user).can_edit():
        raise PermissionDenied


@hooks.register("before_unpublish_page")
def withdraw_by_deleting(request, page):
    """An unpublished alias goes live again with the original's next publish: refuse the trap."""
    if not page.alias_of_id:
        return None
    messages.error(
        request,
        "A library article cannot be unpublished at one branch: the library's next publish "
        "would bring it back. Delete it here to withdraw it from this branch.",
    )
    return redirect("wagtailadmin_pages:edit", page.pk)
