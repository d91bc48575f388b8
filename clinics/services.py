"""Writes for clinic branches: creating, renaming and deleting them, their editor groups,
and offering library articles at them.

A branch is a Wagtail Site rooted at a ClinicHomePage; everything else it owns (groups,
collection) hangs off its ClinicBranch row, so these services never guess by name.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.text import slugify
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from treatments.models import TreatmentIndexPage, TreatmentLibraryPage, TreatmentPage
from treatments.services import get_or_create_library

from .models import ClinicBranch, ClinicHomePage, ClinicSettings

logger = logging.getLogger(__name__)

LIBRARY_EDITORS = "Library editors"
LIBRARY_COLLECTION = "Treatment library"

# Page actions per role, on the branch's home page and everything under it. Editors draft;
# moderators also publish, which is what lets them withdraw a live (aliased) article.
EDITOR_PAGE_ACTIONS = ["add", "change"]
MODERATOR_PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock"]
LIBRARY_PAGE_ACTIONS = ["add", "change", "publish", "lock", "unlock"]
# Image and document actions per role, in the role's own collection.
EDITOR_MEDIA_ACTIONS = ["add", "change", "choose"]
MODERATOR_MEDIA_ACTIONS = ["add", "change", "choose", "delete"]
# Moderators may organise sub-collections inside their branch's collection.
MODERATOR_COLLECTION_ACTIONS = ["add", "change", "delete"]


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


def _page_permissions(actions: list[str]) -> list[Permission]:
    codenames = [f"{action}_page" for action in actions]
    return list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=codenames
        ).order_by("codename")
    )


def _model_permissions(model, actions: list[str]) -> list[Permission]:
    content_type = ContentType.objects.get_for_model(model)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    return list(Permission.objects.filter(content_type=content_type, codename__in=codenames))


def _admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def _set_page_permissions(group: Group, page: Page, actions: list[str]) -> None:
    """Grant exactly ``actions`` on ``page``'s subtree and nothing on any other page."""
    GroupPagePermission.objects.filter(group=group).exclude(page=page).delete()
    wanted = _page_permissions(actions)
    GroupPagePermission.objects.filter(group=group, page=page).exclude(
        permission__in=wanted
    ).delete()
    for permission in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _set_collection_permissions(
    group: Group, collection: Collection, media_actions: list[str], collection_actions: list[str]
) -> None:
    """Grant exactly these actions in ``collection`` and nothing in any other collection."""
    wanted = [
        # Wagtail checks image rights against its own Image model, whatever the image model.
        *_model_permissions(Image, media_actions),
        *_model_permissions(get_document_model(), media_actions),
        *_model_permissions(Collection, collection_actions),
    ]
    GroupCollectionPermission.objects.filter(group=group).exclude(
        collection=collection, permission__in=wanted
    ).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=collection, permission=permission
        )


def _set_settings_permission(group: Group, site: Site) -> None:
    """Let the group edit its own branch's ClinicSettings, and no other branch's."""
    (permission,) = _model_permissions(ClinicSettings, ["change"])
    GroupSitePermission.objects.filter(group=group).exclude(site=site).delete()
    GroupSitePermission.objects.get_or_create(group=group, site=site, permission=permission)


def _admin_only(group: Group) -> None:
    """Global permissions: only admin access; every content right is scoped per branch."""
    group.permissions.set([_admin_access()])


def sync_branch_groups(branch: ClinicBranch) -> None:
    """Make the branch's two groups hold exactly the permissions this module defines.

    Safe to re-run: it adds what is missing and removes what was added by hand, so the
    code is the single description of what a branch editor may do.
    """
    home = branch.site.root_page
    for group, page_actions, media_actions, collection_actions in (
        (branch.editors, EDITOR_PAGE_ACTIONS, EDITOR_MEDIA_ACTIONS, []),
        (
            branch.moderators,
            MODERATOR_PAGE_ACTIONS,
            MODERATOR_MEDIA_ACTIONS,
            MODERATOR_COLLECTION_ACTIONS,
        ),
    ):
        _admin_only(group)
        _set_page_permissions(group, home, page_actions)
        _set_collection_permissions(group, branch.collection, media_actions, collection_actions)
        _set_settings_permission(group, branch.site)


def get_or_create_library_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=LIBRARY_COLLECTION).first()
    return existing or root.add_child(name=LIBRARY_COLLECTION)


def sync_library_group() -> Group:
    """The group's content team: writes library articles and offers them at branches."""
    group, _ = Group.objects.get_or_create(name=LIBRARY_EDITORS)
    _admin_only(group)
    _set_page_permissions(group, get_or_create_library(), LIBRARY_PAGE_ACTIONS)
    _set_collection_permissions(
        group, get_or_create_library_collection(), MODERATOR_MEDIA_ACTIONS, []
    )
    GroupSitePermission.objects.filter(group=group).delete()
    return group


def _group_names(name: str) -> tuple[str, str]:
    return f"{name} editors", f"{name} moderators"


def _unused_group_name(name: str) -> str:
    if Group.objects.filter(name=name).exists():
        raise ClinicError(f'a group named "{name}" already exists')
    return name


@transaction.atomic
def create_clinic(*, name: str, hostname: str, slug: str = "", port: int = 80) -> ClinicBranch:
    """Create a branch: its Site, home page, treatments index, groups, collection, settings."""
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
    """A branch by its home page's slug or by its Site's hostname."""
    branch = (
        ClinicBranch.objects.select_related("site__root_page")
        .filter(site__root_page__slug=identifier, site__root_page__depth=2)
        .first()
    ) or ClinicBranch.objects.select_related("site__root_page").filter(
        site__hostname=identifier.lower()
    ).first()
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
    """Remove a branch: its Site, settings, pages (aliases with them), groups and collection.

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
    if article.alias_of_id or not isinstance(article.get_parent().specific, TreatmentLibraryPage):
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
