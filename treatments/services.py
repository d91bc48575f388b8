"""Writes that span several models: placing the library, importing articles into it."""

import logging
from html import escape

from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Page

from .models import Condition, TreatmentLibraryPage, TreatmentPage
from .plaintext import ParsedArticle, Question
from .reads.totals import set_imported_read_count

logger = logging.getLogger(__name__)


def get_or_create_library() -> TreatmentLibraryPage:
    """The shared library, directly under the tree's root, outside every branch's site."""
    library = TreatmentLibraryPage.objects.first()
    if library is None:
        root = Page.get_first_root_node()
        library = root.add_child(
            instance=TreatmentLibraryPage(title="Treatment library", slug="treatment-library")
        )
        library.save_revision().publish()
    return library


def _paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)


def _body_stream(parsed: ParsedArticle) -> list[tuple[str, object]]:
    stream = []
    for _kind, item in parsed.body:
        if isinstance(item, Question):
            stream.append(
                ("question", {"question": item.question, "answer": _paragraphs_html(item.answer)})
            )
        else:
            stream.append(("paragraph", _paragraphs_html([item])))
    return stream


def _editor_notes(parsed: ParsedArticle) -> str:
    notes = [f"Unanswered question: {q}" for q in parsed.unanswered]
    notes += [f"Line kept in the body, check where it belongs: {line}" for line in parsed.unplaced]
    return "\n".join(notes)


def _conditions(names: list[str]) -> list[Condition]:
    conditions = []
    for name in names:
        slug = slugify(name)[:255]
        condition, _ = Condition.objects.get_or_create(slug=slug, defaults={"name": name[:255]})
        conditions.append(condition)
    return conditions


@transaction.atomic
def import_article(parsed: ParsedArticle, parent: Page | None = None) -> tuple[TreatmentPage, bool]:
    """Create or update (by slug under ``parent``) the article, publish it, set its read count.

    Re-importing the same file updates the article in place: same page, new revision.
    """
    parent = parent or get_or_create_library()
    slug = slugify(parsed.title)[:255] or "article"
    page = TreatmentPage.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = TreatmentPage(title=parsed.title[:255], slug=slug)
    page.title = parsed.title[:255]
    if parsed.summary:  # an article file without a summary keeps the editor's
        page.summary = "\n\n".join(parsed.summary)
    page.body = _body_stream(parsed)
    page.editor_notes = _editor_notes(parsed)
    if created:
        parent.add_child(instance=page)
    page.conditions.set(_conditions(parsed.conditions))
    page.save_revision().publish()
    if parsed.read_count is not None:
        set_imported_read_count(page, parsed.read_count)
    logger.info("article imported", extra={"page": page.pk, "new_page": created})
    return page, created
