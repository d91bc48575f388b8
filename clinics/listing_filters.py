"""Keep Wagtail's page-listing filters from naming other branches' sites and editors.

The explorer's filter panel offers every Site and every page owner or editor in the
database as choices. For a branch editor that would list the other branches and their
staff, so the choices are narrowed to what lies within the user's reach. Wagtail builds
these filters once per class, so they are narrowed here, at start-up.
"""

from django.contrib.auth import get_user_model
from wagtail.admin.views.pages.listing import GenericPageFilterSet, PageFilterSet
from wagtail.models import Page, PageLogEntry, Site

from .selectors import pages_within_reach


def _sites(request):
    reachable = pages_within_reach(request.user, Page.objects.all())
    return Site.objects.filter(root_page__in=reachable)


def _owners(request):
    reachable = pages_within_reach(request.user, Page.objects.all())
    return get_user_model().objects.filter(
        pk__in=reachable.order_by().values("owner_id").distinct()
    )


def _editors(request):
    reachable = pages_within_reach(request.user, Page.objects.all())
    return get_user_model().objects.filter(
        pk__in=PageLogEntry.objects.filter(action="wagtail.edit", page__in=reachable)
        .order_by()
        .values("user_id")
        .distinct()
    )


def narrow_page_listing_filters() -> None:
    for filterset in (PageFilterSet, GenericPageFilterSet):
        filterset.base_filters["site"].queryset = _sites
        filterset.base_filters["owner"].queryset = _owners
        filterset.base_filters["edited_by"].queryset = _editors
