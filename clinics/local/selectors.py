"""Reads of local content: the branch of an offered article, its original, its questions."""

from django.db.models import QuerySet
from wagtail.models import Page

from treatments.models import TreatmentPage
from treatments.selectors import original_id

from ..models import ClinicBranch
from .models import LocalContent


def branch_of(page: Page) -> ClinicBranch | None:
    """The branch whose site holds ``page``; None for the library or a page outside branches."""
    for branch in ClinicBranch.objects.select_related("site__root_page"):
        if page.path.startswith(branch.site.root_page.path):
            return branch
    return None


def is_offered_article(page: Page) -> bool:
    """An alias of a library article under a branch: the only pages that take local content."""
    return bool(page.alias_of_id) and page.specific_class is TreatmentPage


def original_of(page: Page) -> TreatmentPage:
    """The library article an offered article shows (alias chains followed to the end)."""
    return TreatmentPage.objects.get(pk=original_id(page))


def questions(page: TreatmentPage) -> list[tuple[str, str]]:
    """(block id, question) of each question in the article's body, in order."""
    return [
        (child.id, child.value["question"]) for child in page.body if child.block_type == "question"
    ]


def local_content_of(page: Page) -> LocalContent | None:
    return LocalContent.objects.filter(page=page).select_related("branch").first()


def branch_ids_where(user, *, moderators_only: bool = False) -> set[int]:
    """Branches whose editors (or only moderators) include ``user``: cached on the user."""
    attribute = "_local_branch_ids_moderating" if moderators_only else "_local_branch_ids"
    cached = getattr(user, attribute, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        found: set[int] = set()
    else:
        groups = user.groups.values("pk")
        branches = ClinicBranch.objects.filter(moderators__in=groups)
        if not moderators_only:
            branches = branches | ClinicBranch.objects.filter(editors__in=groups)
        found = set(branches.values_list("pk", flat=True))
    setattr(user, attribute, found)
    return found


def offered_without_local(user) -> QuerySet[TreatmentPage]:
    """The offered articles at the user's branches that have no local part yet."""
    branches = ClinicBranch.objects.select_related("site__root_page")
    if not user.is_superuser:
        branches = branches.filter(pk__in=branch_ids_where(user))
    roots = [branch.site.root_page for branch in branches]
    pages = TreatmentPage.objects.none()
    for root in roots:
        pages |= TreatmentPage.objects.descendant_of(root).filter(alias_of__isnull=False)
    return pages.filter(local_content__isnull=True).order_by("title")
