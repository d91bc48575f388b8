"""The explorer's clinical review tag on each article, from one annotated query."""

from types import SimpleNamespace

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone
from wagtail.models import Page

from ..selectors import original_id_expression
from .models import ArticleReview
from .reviews import review_of
from .services import ReviewState, date_state, review_state

STATE_CLASSES = {
    ReviewState.UNREVIEWED: "w-status--primary",
    ReviewState.CHANGED: "w-status--primary",
    ReviewState.OVERDUE: "w-status--primary",
    ReviewState.DUE: "w-status--label",
    ReviewState.REVIEWED: "w-status--label",
}


def with_review_dates(pages: QuerySet) -> QuerySet:
    """``pages`` with their original's review (next date, reviewed revision), in the same
    query, so tagging a row costs no query of its own unless its draft moved on."""
    review = ArticleReview.objects.filter(page_id=OuterRef("clinical_original"))
    return pages.annotate(clinical_original=original_id_expression()).annotate(
        clinical_reviewed=Exists(review),
        clinical_next_review=Subquery(review.values("next_review")[:1]),
        clinical_revision=Subquery(review.values("revision_id")[:1]),
    )


def listing_state(page: Page) -> str | None:
    """The row's ``ReviewState``; None for pages that are no article."""
    if not getattr(page.specific_class, "needs_clinical_review", False):
        return None
    if not hasattr(page, "clinical_reviewed"):
        return review_state(page.specific, review_of(page))
    if not page.clinical_reviewed:
        return ReviewState.UNREVIEWED
    if page.alias_of_id or page.latest_revision_id in (None, page.clinical_revision):
        return date_state(
            SimpleNamespace(next_review=page.clinical_next_review), timezone.localdate()
        )
    return review_state(page.specific, review_of(page))


def listing_title(page: Page, state: str) -> str:
    next_review = getattr(page, "clinical_next_review", None)
    if state in (ReviewState.REVIEWED, ReviewState.DUE, ReviewState.OVERDUE) and next_review:
        return f"Next clinical review: {next_review:%d %b %Y}"
    if state == ReviewState.CHANGED:
        return "The draft changes reviewed content: submit it for clinical review"
    return "Submit this article for clinical review"
