"""Writes for clinic branches: creating, finding, renaming and deleting them.

A branch is a Wagtail Site rooted at a ClinicHomePage; everything else it owns (groups,
collection) hangs off its ClinicBranch row, so these services never guess by name.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site

from cms.sites import UnknownClinic, find_clinic
from treatments.models import TreatmentIndexPage, TreatmentPage

from .groups import sync_branch_groups
from .models import ClinicBranch, ClinicHomePage, ClinicSettings
from .workflows import remove_branch_workflow, sync_branch_workflow

logger = logging.getLogger(__name__)


class ClinicError(Exception):
    """A branch operation that cannot be done as asked; the message says why."""


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting a branch removes, and what it keeps."""

    branch: str
    hostname: str
    pages: int
    aliases: int
    own_articles: list[str]
    groups: list[str]
    media_kept: int


def _group_names(name: str) -> tuple[str, str]:
    return f"{name} editors", f"{name} moderators"


def _unused_group_name(name: str) -> str:
    if Group.objects.filter(name=name).exists():
        raise ClinicError(f'a group named "{name}" already exists')
    return name


@transaction.atomic
def create_clinic(*, name: str, hostname: str, slug: str = "", port: int = 80) -> ClinicBranch:
    """Create a branch: its Site, home page, treatments index, groups, collection, settings,
    and the workflow its moderators review submissions in."""
    name = name.strip()
    hostname = hostname.strip().lower()
    slug = slug or slugify(name)
    if not name or not slug:
        raise ClinicError("a branch needs a name")
    if not hostname:
        raise ClinicError("a branch needs a hostname")
    if Site.objects.filter(hostname=hostname, port=port).exists():
        raise ClinicError(f"a site already serves {hostname}:{port}")
    root = Page.get_first_root_node()
    if root.get_children().filter(slug=slug).exists():
        raise ClinicError(f'a page with slug "{slug}" already exists at the top of the tree')
    editors_name, moderators_name = _group_names(name)

    home = root.add_child(instance=ClinicHomePage(title=name, slug=slug))
    home.save_revision().publish()
    index = home.add_child(instance=TreatmentIndexPage(title="Treatments", slug="treatments"))
    index.save_revision().publish()
    site = Site.objects.create(hostname=hostname, port=port, root_page=home, site_name=name)
    ClinicSettings.objects.create(site=site, name=name)
    branch = ClinicBranch.objects.create(
        site=site,
        editors=Group.objects.create(name=_unused_group_name(editors_name)),
        moderators=Group.objects.create(name=_unused_group_name(moderators_name)),
        collection=Collection.get_first_root_node().add_child(name=name),
    )
    sync_branch_groups(branch)
    logger.info("clinic created", extra={"site": site.pk, "home": home.pk})
    return branch


def find_branch(identifier: str) -> ClinicBranch:
    """A branch by its clinic name: its home page's slug or a Site's hostname."""
    try:
        root_page_id = find_clinic(identifier).root_page_id
    except UnknownClinic:
        root_page_id = None
    branch = (
        ClinicBranch.objects.select_related("site__root_page")
        .filter(site__root_page_id=root_page_id)
        .first()
    )
    if branch is None:
        raise ClinicError(f'no branch with slug or hostname "{identifier}"')
    return branch


@transaction.atomic
def rename_clinic(branch: ClinicBranch, *, name: str = "", hostname: str = "") -> ClinicBranch:
    """Change a branch's name and/or hostname; pages, slugs, groups' members stay as they are.

    The home page's slug is the branch's identity for clients (``?clinic=``), so it is kept.
    """
    site = branch.site
    if hostname:
        hostname = hostname.strip().lower()
        if Site.objects.filter(hostname=hostname, port=site.port).exclude(pk=site.pk).exists():
            raise ClinicError(f"a site already serves {hostname}:{site.port}")
        site.hostname = hostname
    if name:
        name = name.strip()
        editors_name, moderators_name = _group_names(name)
        for group, new_name in (
            (branch.editors, editors_name),
            (branch.moderators, moderators_name),
        ):
            if Group.objects.filter(name=new_name).exclude(pk=group.pk).exists():
                raise ClinicError(f'a group named "{new_name}" already exists')
            group.name = new_name
            group.save(update_fields=["name"])
        site.site_name = name
        branch.collection.name = name
        branch.collection.save(update_fields=["name"])
        settings = ClinicSettings.for_site(site)
        settings.name = name
        settings.save(update_fields=["name"])
        home = site.root_page.specific
        home.title = name
        home.draft_title = name
        home.save(update_fields=["title", "draft_title"])
    site.save()
    if name:
        sync_branch_workflow(branch)
    logger.info("clinic renamed", extra={"site": site.pk})
    return branch


def describe_deletion(branch: ClinicBranch) -> DeletionSummary:
    home = branch.site.root_page
    pages = home.get_descendants(inclusive=True)
    own = TreatmentPage.objects.descendant_of(home).filter(alias_of__isnull=True)
    collections = branch.collection.get_descendants(inclusive=True)
    media = (
        get_image_model().objects.filter(collection__in=collections).count()
        + get_document_model().objects.filter(collection__in=collections).count()
    )
    return DeletionSummary(
        branch=str(branch),
        hostname=branch.site.hostname,
        pages=pages.count(),
        aliases=pages.filter(alias_of__isnull=False).count(),
        own_articles=list(own.values_list("title", flat=True)),
        groups=[branch.editors.name, branch.moderators.name],
        media_kept=media,
    )


@transaction.atomic
def delete_clinic(branch: ClinicBranch) -> DeletionSummary:
    """Remove a branch: its Site, settings, pages (aliases with them), groups, collection and
    approval workflow.

    Library originals are untouched: an alias is only a pointer to them. The branch's images
    and documents are kept, moved to the root collection, since pages elsewhere may use them.
    """
    summary = describe_deletion(branch)
    site, home = branch.site, branch.site.root_page
    editors, moderators, collection = branch.editors, branch.moderators, branch.collection
    root_collection = Collection.get_first_root_node()
    collections = collection.get_descendants(inclusive=True)
    get_image_model().objects.filter(collection__in=collections).update(collection=root_collection)
    get_document_model().objects.filter(collection__in=collections).update(
        collection=root_collection
    )
    remove_branch_workflow(branch)
    branch.delete()
    site.delete()  # cascades to ClinicSettings
    home.specific.delete()
    editors.delete()
    moderators.delete()
    Collection.objects.get(pk=collection.pk).delete()
    logger.info("clinic deleted", extra={"home": home.pk})
    return summary


def treatment_index(branch: ClinicBranch) -> TreatmentIndexPage:
    """The branch's treatments section, where offered articles appear."""
    index = TreatmentIndexPage.objects.child_of(branch.site.root_page).first()
    if index is None:
        raise ClinicError(f"{branch} has no treatments section")
    return index
