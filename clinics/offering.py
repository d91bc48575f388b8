"""Offering library articles at branches, and withdrawing them.

An offered article is a Wagtail alias of the library original under the branch's treatments
index: publishing the original republishes every alias, so editing once updates every branch.
Withdrawing unpublishes the alias and keeps it (``Withdrawal``); offering again republishes
that same page, so the id partners stored for the article at the branch stays valid.
"""

import logging

from django.db import transaction

from treatments.models import TreatmentPage
from treatments.selectors import is_library_article

from .models import ClinicBranch, Withdrawal
from .services import ClinicError, treatment_index

logger = logging.getLogger(__name__)


def _aliases_by_branch(article: TreatmentPage, *, withdrawn: bool) -> dict[int, TreatmentPage]:
    homes = {
        branch.pk: branch.site.root_page.path
        for branch in ClinicBranch.objects.select_related("site__root_page")
    }
    aliases = TreatmentPage.objects.filter(
        alias_of=article, withdrawal__isnull=not withdrawn
    ).order_by("path")
    found = {}
    for alias in aliases:
        for branch_id, home_path in homes.items():
            if alias.path.startswith(home_path):
                found.setdefault(branch_id, alias)
    return found


def branches_carrying(article: TreatmentPage) -> dict[int, TreatmentPage]:
    """Branch id -> the alias of ``article`` that branch shows; two queries for any count."""
    return _aliases_by_branch(article, withdrawn=False)


def branches_withdrawn(article: TreatmentPage) -> dict[int, TreatmentPage]:
    """Branch id -> the withdrawn (offline) alias that offering again would bring back."""
    return _aliases_by_branch(article, withdrawn=True)


@transaction.atomic
def offer_article(article: TreatmentPage, branches: list[ClinicBranch]) -> list[TreatmentPage]:
    """Put the library article on each branch's site as an alias; already offered is kept.

    An alias shares the original's content: publishing the original republishes every alias,
    so editing once updates every branch. A branch it was withdrawn from gets its old alias
    back, republished with the original's live content, under the same id.
    """
    if not is_library_article(article):
        raise ClinicError(f'"{article.title}" is not a library article')
    carried = branches_carrying(article)
    withdrawn = branches_withdrawn(article)
    offered, restored = [], []
    for branch in branches:
        if branch.pk in carried:
            continue
        if branch.pk in withdrawn:
            restored.append(withdrawn[branch.pk])
            continue
        index = treatment_index(branch)
        if TreatmentPage.objects.child_of(index).filter(slug=article.slug).exists():
            raise ClinicError(f'{branch} already has its own page at "{article.slug}"')
        offered.append(article.create_alias(parent=index, update_slug=article.slug))
        logger.info("article offered", extra={"article": article.pk, "branch": branch.pk})
    if restored:
        Withdrawal.objects.filter(alias__in=restored).delete()
        # Republishes every alias with the original's live content; the ones still withdrawn
        # are taken back offline by clinics.signals. An original never published yet brings
        # them online with its first publish.
        if article.live:
            article.update_aliases()
        logger.info("article offered again", extra={"article": article.pk})
    return [TreatmentPage.objects.get(pk=page.pk) for page in restored] + offered


@transaction.atomic
def withdraw_article(article: TreatmentPage, branch: ClinicBranch) -> bool:
    """Take the article off one branch's site; other branches and the original are untouched.

    The alias is unpublished and kept (see ``Withdrawal``): offering again restores its id.
    """
    aliases = TreatmentPage.objects.descendant_of(branch.site.root_page).filter(
        alias_of=article, withdrawal__isnull=True
    )
    removed = False
    for alias in aliases:
        Withdrawal.objects.create(alias=alias)
        if alias.live:
            alias.unpublish()
        removed = True
    if removed:
        logger.info("article withdrawn", extra={"article": article.pk, "branch": branch.pk})
    return removed
