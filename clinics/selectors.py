"""Reads shared by the admin hooks: which pages an editor may see."""

from django.db.models import Q, QuerySet
from wagtail.models import GroupPagePermission, Page


def permitted_roots(user) -> QuerySet[Page]:
    """The pages at the top of the subtrees the user holds any page permission on."""
    return Page.objects.filter(
        pk__in=GroupPagePermission.objects.filter(group__user=user).values("page_id")
    )


def pages_within_reach(user, pages: QuerySet[Page]) -> QuerySet[Page]:
    """``pages`` limited to the user's own subtrees and the path down to them.

    A branch editor's reach is his branch; the ancestors stay so that a chooser can still
    walk from the tree's root down to the branch.
    """
    if user.is_superuser:
        return pages
    condition = Q(pk__in=[])
    for root in permitted_roots(user):
        condition |= Q(path__startswith=root.path) | Q(
            depth__lt=root.depth, pk__in=root.get_ancestors().values("pk")
        )
    return pages.filter(condition)
