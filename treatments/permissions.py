"""The one rule for changing library articles and their aliases, whatever route asks.

A library article is shown at a branch through a Wagtail alias: the branch's page mirrors the
library's published version and follows every publish. Wagtail's own routes (the editor, the
admin API's actions, bulk actions, copy, move) all ask the page's permission tester, so the
rule lives here, in ``TreatmentPagePermissionTester``, and every route obeys it:

- an alias is never forked (converted into an ordinary page), unpublished, published on its
  own, given a view restriction, moved or copied: each would silently detach the branch's
  copy from the library, or hide it until the library's next publish brings it back;
- deleting an alias (a branch withdrawing the article) takes a publisher at the branch, as
  taking any live page off a site does; the library withdraws it from its own Branches view;
- a library article is moved and copied only within the library: a copy at a branch would
  be a detached fork.

Superusers keep Wagtail's rights: they repair what no rule foresaw.
"""

from wagtail.models import Page

from .governance.permissions import ReviewedPublishTester


def is_library(page: Page) -> bool:
    """The library page (marked by its class, so this module needs no model import)."""
    return getattr(page.specific_class, "is_article_library", False)


class TreatmentPagePermissionTester(ReviewedPublishTester):
    """Wagtail's tester for a treatment article: the alias and library rules above, on top of
    the clinical review that publishing needs (``governance.permissions``)."""

    @property
    def _ruled(self) -> bool:
        return self.user.is_active and not self.user.is_superuser

    @property
    def is_alias(self) -> bool:
        return bool(self.page.alias_of_id)

    @property
    def is_library_article(self) -> bool:
        if self.is_alias:
            return False
        parent = Page.objects.filter(path=self.page.path[: -Page.steplen]).first()
        return parent is not None and is_library(parent)

    def can_convert_alias(self) -> bool:
        """Forking the branch's copy: only a superuser decides that."""
        return self.is_alias and self.can_edit() and not self._ruled

    def can_publish(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_publish()

    def can_set_view_restrictions(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_set_view_restrictions()

    def can_unschedule(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_unschedule()

    def can_unpublish(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_unpublish()

    def can_submit_for_moderation(self):
        if self.is_alias:
            return False
        return super().can_submit_for_moderation()

    def can_delete(self, ignore_bulk=False):
        if self._ruled and self.is_alias and "publish" not in self.permissions:
            return False
        return super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_move()

    def can_move_to(self, destination):
        if self._ruled and (
            self.is_alias or (self.is_library_article and not is_library(destination))
        ):
            return False
        return super().can_move_to(destination)

    def can_copy(self):
        if self._ruled and self.is_alias:
            return False
        return super().can_copy()

    def can_copy_to(self, destination, recursive=False):
        if self._ruled and (
            self.is_alias or (self.is_library_article and not is_library(destination))
        ):
            return False
        return super().can_copy_to(destination, recursive=recursive)


def can_convert_alias(page: Page, user) -> bool:
    """Whether ``user`` may turn the alias ``page`` into an ordinary page, for any page type."""
    tester = page.permissions_for_user(user)
    return getattr(tester, "can_convert_alias", tester.can_edit)()
