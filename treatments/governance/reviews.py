"""What a clinical review covers, recording one, and the rule that publishing needs one.

A review covers an article's clinical content: the fields that say what the treatment is,
who it is for and how much of it (``CONTENT``). Images, slugs, search settings and the
editors' notes are not clinical; a branch's hours, address or booking link are not the
article's at all. An alias is reviewed when its original is.
"""

import calendar
import datetime
import logging

from django.conf import settings
from django.utils import timezone
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import Page

from ..fingerprints import field_fingerprint, value_fingerprint
from .models import ArticleReview, ClinicalReviewer

logger = logging.getLogger(__name__)

# The clinical content of an article: fields hashed as stored, then the inline relations.
CONTENT_FIELDS = ("title", "summary", "sessions_per_week", "body")
CONTENT = (*CONTENT_FIELDS, "other_names", "session_guidance", "conditions")


class ClinicalReviewRequired(PublishPagePermissionError):
    """Publishing content no clinical review covers; a 403 wherever Wagtail publishes."""


def content_fingerprints(article) -> dict[str, str]:
    """A hash per clinical content field of ``article`` (a page or a revision's page)."""
    fingerprints = {name: field_fingerprint(article, name) for name in CONTENT_FIELDS}
    fingerprints["other_names"] = value_fingerprint(
        [other.name for other in article.other_names.all()]
    )
    fingerprints["session_guidance"] = value_fingerprint(
        [
            [item.condition, item.min_sessions, item.max_sessions, item.note]
            for item in article.session_guidance.all()
        ]
    )
    fingerprints["conditions"] = value_fingerprint(
        sorted(condition.pk for condition in article.conditions.all())
    )
    return fingerprints


def original_page_id(page: Page) -> int:
    """The article a review is kept for: the end of the page's alias chain."""
    seen = set()
    page_id, alias_of = page.pk, page.alias_of_id
    while alias_of and alias_of not in seen:
        seen.add(page_id)
        page_id = alias_of
        alias_of = Page.objects.filter(pk=page_id).values_list("alias_of_id", flat=True).first()
    return page_id


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later; the month's last day when it is shorter (29 Feb)."""
    years, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month_index + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def default_next_review(reviewed_on: datetime.date) -> datetime.date:
    return months_after(reviewed_on, settings.CLINICAL_REVIEW_INTERVAL_MONTHS)


def review_of(page: Page) -> ArticleReview | None:
    return (
        ArticleReview.objects.select_related("reviewer")
        .filter(page_id=original_page_id(page))
        .first()
    )


def covers(review: ArticleReview | None, article) -> bool:
    """Whether ``review`` approved exactly the clinical content ``article`` holds."""
    return review is not None and review.fingerprints == content_fingerprints(article)


def record_review(
    page: Page,
    reviewer: ClinicalReviewer,
    revision,
    next_review: datetime.date | None = None,
) -> ArticleReview:
    """Record that ``reviewer`` approved ``revision``'s content of the article, as of now.

    The next review is ``next_review``, or the configured interval (12 months) from today.
    Flags of an earlier review are cleared: this review settles them.
    """
    content = revision.as_object() if revision is not None else page
    now = timezone.now()
    review, _ = ArticleReview.objects.update_or_create(
        page_id=original_page_id(page),
        defaults={
            "reviewer": reviewer,
            "reviewed_at": now,
            "revision": revision,
            "fingerprints": content_fingerprints(content),
            "next_review": next_review or default_next_review(timezone.localdate(now)),
            "flag": "",
            "flagged_on": None,
        },
    )
    logger.info(
        "clinical review recorded",
        extra={
            "page": review.page_id,
            "reviewer": reviewer.pk,
            "revision": getattr(revision, "pk", None),
        },
    )
    return review


def require_review(page: Page, revision) -> None:
    """Refuse to publish ``revision`` unless a clinical review covers its content."""
    if not covers(review_of(page), revision.as_object()):
        raise ClinicalReviewRequired(
            "This article's content has no clinical review: submit it for review, and it is "
            "published when a clinical reviewer approves it."
        )
