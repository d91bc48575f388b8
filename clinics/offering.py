"""Offering library articles at branches, and withdrawing them.

An offered article is a Wagtail alias of the library original under the branch's treatments
index: publishing the original republishes every alias, so editing once updates every branch.
"""

import logging

from django.db import transaction

from treatments.models import TreatmentPage
from treatments.selectors import is_library_article

from .models import ClinicBranch
from .services import ClinicError, treatment_index

logger = logging.getLogger(__name__)


def branches_carrying(article: TreatmentPage) -> dict[int, TreatmentPage]:
    """Branch id -> the alias of ``article`` that branch shows; two queries for any count."""
    homes = {
        branch.pk: branch.site.root_page.path
        for branch in ClinicBranch.objects.select_related("site__root_page")
    }
    carried = {}
    for alias in TreatmentPage.objects.filter(alias_of=article).order_by("path"):
        for branch_id, home_path in homes.items():
            if alias.path.startswith(home_path):
                carried.setdefault(branch_id, alias)
    return carried


@transaction.atomic
def offer_article(article: TreatmentPage, branches: list[ClinicBranch]) -> list[TreatmentPage]:
    """Put the library article on each branch's site as an alias; already offered is kept.

    An alias shares the original's content: publishing the original republishes every alias,
    so editing once updates every branch.
    """
    if not is_library_article(article):
        raise ClinicError(f'"{article.title}" is not a library article')
    carried = branches_carrying(article)
    created = []
    for branch in branches:
        if branch.pk in carried:
            continue
        index = treatment_index(branch)
        if TreatmentPage.objects.child_of(index).filter(slug=article.slug).exists():
            raise ClinicError(f'{branch} already has its own page at "{article.slug}"')
        alias = article.create_alias(parent=index, update_slug=article.slug)
        created.append(alias)
        logger.info("article offered", extra={"article": article.pk, "branch": branch.pk})
    return created


@transaction.atomic
def withdraw_article(article: TreatmentPage, branch: ClinicBranch) -> bool:
    """Take the article off one branch's site; other branches and the original are untouched.

    Deleting the alias is the only lasting withdrawal: an unpublished alias is published
    again the next time the original is.
    """
    aliases = TreatmentPage.objects.descendant_of(branch.site.root_page).filter(alias_of=article)
    removed = False
    for alias in aliases:
        alias.delete()
        removed = True
    if removed:
        logger.info("article withdrawn", extra={"article": article.pk, "branch": branch.pk})
    return removed
