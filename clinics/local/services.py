"""Writes of local content that views and the demo loader share."""

from django.db import transaction
from wagtail.models import Page

from .models import LocalContent, LocalPractitioner, Practitioner
from .selectors import branch_of, is_offered_article, original_of


class LocalContentError(Exception):
    """A refused write, with a reason an editor can read."""


def prepare_local_content(local: LocalContent) -> LocalContent:
    """Fill what follows from the page: its branch, and the library revision it starts from.

    A new local part is written against the library text live now, so it starts reviewed.
    """
    page = local.page
    if not is_offered_article(page):
        raise LocalContentError("Local content belongs on an article offered at a branch.")
    branch = branch_of(page)
    if branch is None:
        raise LocalContentError("This article is not shown at any branch.")
    local.branch = branch
    if local.pk is None and local.reviewed_against_id is None:
        local.reviewed_against_id = original_of(page).live_revision_id
    return local


@transaction.atomic
def publish_local_content(page: Page, user=None, **fields) -> LocalContent:
    """Create or update the local part of ``page`` and publish it (the demo loader, tests)."""
    practitioners: list[Practitioner] = fields.pop("practitioners", [])
    local = LocalContent.objects.filter(page=page).first() or LocalContent(page=page)
    for name, value in fields.items():
        setattr(local, name, value)
    prepare_local_content(local)
    if any(p.branch_id != local.branch_id for p in practitioners):
        raise LocalContentError("Choose the branch's own practitioners.")
    local.practitioners = [
        LocalPractitioner(practitioner=p, sort_order=n) for n, p in enumerate(practitioners)
    ]
    local.full_clean()
    local.save()
    revision = local.save_revision(user=user)
    revision.publish(user=user)
    local.refresh_from_db()
    return local
