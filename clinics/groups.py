"""Who may do what at a branch and in the library: the groups' permissions, from code.

Branch editors and moderators get rights on their branch's home page subtree, collection and
settings only; library editors on the library and its collection. Each group also reviews its
own subtree's submissions (``clinics/workflows.py``). ``sync_*`` makes a group hold
exactly these, adding what is missing and removing what was added by hand, so this module is
the single description of each role (``manage.py sync_branch_groups`` applies it).
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from wagtail.documents import get_document_model
from wagtail.images.models import Image
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from treatments.models import Condition
from treatments.services import get_or_create_library

from .models import ClinicBranch, ClinicSettings, LocalContent
from .workflows import sync_branch_workflow, sync_library_workflow

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
# Conditions are shared by every article: the library's editors name them (renaming one renames
# it in every article that uses it); everyone else only chooses among them.
LIBRARY_CONDITION_ACTIONS = ["add", "change"]


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


def _admin_only(group: Group, *extra: Permission) -> None:
    """Global permissions: admin access and ``extra``; every content right is scoped per branch."""
    group.permissions.set([_admin_access(), *extra])


def sync_branch_groups(branch: ClinicBranch) -> None:
    """Make the branch's two groups hold exactly the permissions this module defines.

    Safe to re-run: it adds what is missing and removes what was added by hand, so the
    code is the single description of what a branch editor may do. The branch's approval
    workflow is repaired with them.
    """
    home = branch.site.root_page
    # Wagtail's snippet action menu shows "Publish" and "Unpublish" to holders of the model's
    # publish permission; which local content they may publish is the branch rule's
    # (clinics.local.permissions), so this global right reaches only their branch's.
    local_publish = _model_permissions(LocalContent, ["publish"])
    for group, extra, page_actions, media_actions, collection_actions in (
        (branch.editors, [], EDITOR_PAGE_ACTIONS, EDITOR_MEDIA_ACTIONS, []),
        (
            branch.moderators,
            local_publish,
            MODERATOR_PAGE_ACTIONS,
            MODERATOR_MEDIA_ACTIONS,
            MODERATOR_COLLECTION_ACTIONS,
        ),
    ):
        _admin_only(group, *extra)
        _set_page_permissions(group, home, page_actions)
        _set_collection_permissions(group, branch.collection, media_actions, collection_actions)
        _set_settings_permission(group, branch.site)
    sync_branch_workflow(branch)


def get_or_create_library_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=LIBRARY_COLLECTION).first()
    return existing or root.add_child(name=LIBRARY_COLLECTION)


def sync_library_group() -> Group:
    """The group's content team: writes library articles and offers them at branches."""
    group, _ = Group.objects.get_or_create(name=LIBRARY_EDITORS)
    library = get_or_create_library()
    _admin_only(group, *_model_permissions(Condition, LIBRARY_CONDITION_ACTIONS))
    _set_page_permissions(group, library, LIBRARY_PAGE_ACTIONS)
    _set_collection_permissions(
        group, get_or_create_library_collection(), MODERATOR_MEDIA_ACTIONS, []
    )
    GroupSitePermission.objects.filter(group=group).delete()
    sync_library_workflow(group, library)
    return group
