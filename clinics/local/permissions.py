"""Who may change a branch's local content and practitioners: that branch's staff, no one else.

A permission policy, so every route Wagtail offers for a snippet (listing, create, edit, delete,
bulk actions, choosers, history, revisions, workflow actions, locking) asks the same rule.
Rights come from membership of the branch's editor or moderator group (``ClinicBranch``), not
from global Django permissions, which cannot say "only North's": editors draft and submit;
moderators also publish, unpublish, delete, lock and unlock. Library editors and other branches'
staff hold no right here, not even to list. Superusers keep every right.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q
from wagtail.permission_policies.base import BasePermissionPolicy

from ..models import ClinicBranch
from .selectors import branch_ids_where

EDITOR_ACTIONS = frozenset(["add", "change", "view", "choose"])
MODERATOR_ACTIONS = EDITOR_ACTIONS | {"publish", "unpublish", "delete", "lock", "unlock"}


class BranchContentPolicy(BasePermissionPolicy):
    """Rights on a model with a ``branch`` foreign key, from the user's branch groups."""

    def branch_ids(self, user, actions) -> set[int]:
        actions = set(actions)
        ids = set()
        if actions & EDITOR_ACTIONS:
            ids |= branch_ids_where(user)
        if actions & (MODERATOR_ACTIONS - EDITOR_ACTIONS):
            ids |= branch_ids_where(user, moderators_only=True)
        return ids

    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user, actions):
        if user.is_active and user.is_superuser:
            return True
        return bool(self.branch_ids(user, actions))

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if user.is_active and user.is_superuser:
            return True
        return instance.branch_id in self.branch_ids(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        objects = self.model._default_manager.all()
        if user.is_active and user.is_superuser:
            return objects
        return objects.filter(branch_id__in=self.branch_ids(user, actions))

    def users_with_any_permission(self, actions):
        return self._users(ClinicBranch.objects.all(), actions)

    def users_with_any_permission_for_instance(self, actions, instance):
        return self._users(ClinicBranch.objects.filter(pk=instance.branch_id), actions)

    def _users(self, branches, actions):
        actions = set(actions)
        groups = []
        if actions & EDITOR_ACTIONS:
            groups += list(branches.values_list("editors", flat=True))
        if actions & MODERATOR_ACTIONS:
            groups += list(branches.values_list("moderators", flat=True))
        return (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(groups__in=groups))
            .distinct()
        )
