"""Who may publish an article: Wagtail's page rights, and a clinical review of its content.

Wagtail asks ``permissions_for_user(user).can_publish()`` before every publish a person starts
(the edit view's button, bulk actions, the admin API's publish action) and to decide which
buttons to show, so the review rule here hides "Publish" where it would be refused.
"""

from django.utils.functional import cached_property
from wagtail.models import PagePermissionTester

from .reviews import covers, review_of


class ReviewedPublishTester(PagePermissionTester):
    """``can_publish`` also needs a clinical review covering the article's latest content."""

    def can_publish(self):
        return super().can_publish() and self.content_reviewed

    # Privacy and schedules are no content: they keep Wagtail's publish right alone.
    def can_set_view_restrictions(self):
        return super().can_publish()

    def can_unschedule(self):
        return super().can_publish()

    @cached_property
    def content_reviewed(self) -> bool:
        review = review_of(self.page)
        if review is None:
            return False
        if self.page.alias_of_id:
            return covers(review, self.page)  # an alias holds its original's published content
        latest = self.page.latest_revision_id
        if latest is None:
            return covers(review, self.page)
        if latest == review.revision_id:
            return True
        return covers(review, self.page.get_latest_revision().as_object())
