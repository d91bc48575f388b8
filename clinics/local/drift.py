"""Drift: a local part written against one version of the library text, which moved on since.

``LocalContent.reviewed_against`` is the original's revision the branch last checked its
additions against. Publishing the library article again gives the original a new live
revision; until the branch marks the local part reviewed, it is *stale*, and the branch sees
the library text then and now side by side.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.html import strip_tags
from wagtail.models import Page

from treatments.models import TreatmentPage
from treatments.selectors import original_id_expression

from .models import LocalContent
from .selectors import original_of, questions


def with_original_live_revision(contents: QuerySet[LocalContent]) -> QuerySet[LocalContent]:
    """Annotate ``original_live_revision``: the live revision of each alias's original."""
    originals = (
        Page.objects.filter(pk=OuterRef("page_id"))
        .annotate(original=original_id_expression())
        .values("original")[:1]
    )
    live = Page.objects.filter(pk=OuterRef("original_page")).values("live_revision_id")[:1]
    return contents.annotate(original_page=Subquery(originals)).annotate(
        original_live_revision=Subquery(live)
    )


def stale(contents: QuerySet[LocalContent]) -> QuerySet[LocalContent]:
    """The local parts whose library text was published again after their last review."""
    annotated = with_original_live_revision(contents)
    return annotated.exclude(reviewed_against_id=F("original_live_revision"))


def is_stale(local: LocalContent) -> bool:
    return stale(LocalContent.objects.filter(pk=local.pk)).exists()


@transaction.atomic
def mark_reviewed(local: LocalContent) -> int:
    """Record that the branch checked its local part against the library's live text.

    An update of the row only: the review is no revision content (``with_content_json``).
    Returns the original's revision id now reviewed against.
    """
    revision_id = original_of(local.page).live_revision_id
    LocalContent.objects.filter(pk=local.pk).update(
        reviewed_against_id=revision_id, reviewed_at=timezone.now()
    )
    local.reviewed_against_id = revision_id
    return revision_id


@dataclass
class ComparedPart:
    label: str
    then: str
    now: str

    @property
    def changed(self) -> bool:
        return self.then != self.now


def _text(value) -> str:
    return strip_tags(str(value)).strip()


def _parts(article: TreatmentPage) -> dict[str, str]:
    parts = {"Title": article.title, "Summary": article.summary}
    for block_id, question in questions(article):
        answers = [c.value["answer"] for c in article.body if c.id == block_id]
        parts[f"Question {block_id[:8]}"] = f"{question}\n{_text(answers[0]) if answers else ''}"
    return parts


def comparison(local: LocalContent) -> list[ComparedPart]:
    """The library text the branch last reviewed against, and the text live now, part by part.

    Questions are matched by block id, so a question added, removed or reworded shows as such.
    """
    original = original_of(local.page)
    now = _parts(original)
    then: dict[str, str] = {}
    if local.reviewed_against_id:
        revision = original.revisions.filter(pk=local.reviewed_against_id).first()
        if revision is not None:
            then = _parts(revision.as_object())
    labels = list(dict.fromkeys([*then, *now]))
    return [ComparedPart(label, then.get(label, ""), now.get(label, "")) for label in labels]
