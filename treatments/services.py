"""Writes that span several models: placing the library, importing articles into it."""

import logging
from html import escape

from django.db import transaction
from wagtail.models import Page

from .fingerprints import field_fingerprint
from .models import Condition, ImportedArticle, TreatmentLibraryPage, TreatmentPage
from .plaintext import ParsedArticle
from .reads.totals import set_imported_read_count
from .slugs import unique_slug

logger = logging.getLogger(__name__)


class ImportRefused(ValueError):
    """The article must not be written (an editor's work is in the way); one line says why."""


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


def _body_stream(parsed: ParsedArticle) -> list[tuple[str, dict]]:
    """Every question, answered or not: an unanswered one stays for editors to answer (the
    API leaves it out until then). Unplaced lines are not content: they go to the notes."""
    return [
        ("question", {"question": q.question, "answer": _paragraphs_html(q.answer)})
        for q in parsed.questions
    ]


def editor_notes(parsed: ParsedArticle) -> str:
    """One line per thing an editor must review before partners see the whole article."""
    notes = [
        f"Unanswered question: {question} (partners do not see it until it has an answer)"
        for question in parsed.unanswered
    ]
    notes += [
        f"Line not placed: {line} (not published; add it where it belongs, or leave it out)"
        for line in parsed.unplaced
    ]
    return "\n".join(notes)


def _conditions(names: list[str]) -> list[Condition]:
    """One record per condition name, in any letter case; a new one gets a slug of its own
    (transliterated or hashed, see slugs.py), so two names never share a record."""
    return [_condition(name) for name in names]


def _condition(name: str) -> Condition:
    # Editors may have made "Neck pain" and "neck pain" both: the older one is the condition.
    existing = Condition.objects.filter(name__iexact=name).order_by("pk").first()
    return existing or Condition.objects.get_or_create(name=name)[0]


def _find_imported(parent: Page, title: str) -> TreatmentPage | None:
    """The article an earlier import of this title made under ``parent``, if any.

    A page of the same title that no import made is an editor's: refused, never adopted.
    """
    siblings = TreatmentPage.objects.child_of(parent)
    page = siblings.filter(import_record__title=title).select_related("import_record").first()
    if page is None and siblings.filter(title=title).exists():
        other = siblings.filter(title=title).first()
        raise ImportRefused(
            f'article {other.pk} "{title}" already exists and was not made by importing a file '
            "with this title; change the title in the file or in the admin, then import again"
        )
    return page


def _check_untouched(page: TreatmentPage) -> None:
    """Refuse to overwrite anything an editor did since the last import."""
    if page.locked:
        raise ImportRefused(f"article {page.pk} is locked in the admin; unlock it first")
    if not page.live:
        raise ImportRefused(
            f"article {page.pk} was unpublished in the admin; publish it there first"
        )
    if page.has_unpublished_changes:
        raise ImportRefused(
            f"article {page.pk} has a draft or a change in moderation not yet published; "
            "publish or discard it in the admin, then import again"
        )
    changed = [
        name
        for name, digest in page.import_record.fingerprints.items()
        if field_fingerprint(page, name) != digest
    ]
    if changed:
        raise ImportRefused(
            f"article {page.pk}: editors changed its {', '.join(sorted(changed))} since the "
            "last import; importing would overwrite their work, so edit it in the admin instead"
        )


def _new_article(parent: Page, parsed: ParsedArticle) -> TreatmentPage:
    siblings = Page.objects.child_of(parent)
    slug = unique_slug(
        parsed.title,
        fallback="article",
        taken=lambda candidate: siblings.filter(slug=candidate).exists(),
    )
    return TreatmentPage(title=parsed.title, slug=slug)


@transaction.atomic
def import_article(parsed: ParsedArticle, parent: Page | None = None) -> tuple[TreatmentPage, bool]:
    """Create the article, or update the one an earlier import of its title made; publish it.

    A re-import writes what comes from the file (title, summary when the file has one,
    questions and answers, the review notes) and adds the file's conditions; it never removes
    a condition and never touches other names, session guidance or images. It refuses
    (ImportRefused) when an editor has a draft, locked or unpublished the article, or changed
    any field the file would write.
    """
    parent = parent or get_or_create_library()
    # One import at a time under a parent: two would both see the title as new.
    Page.objects.select_for_update().filter(pk=parent.pk).exists()
    page = _find_imported(parent, parsed.title)
    created = page is None
    if created:
        page = _new_article(parent, parsed)
    else:
        _check_untouched(page)
    owned = ["title", "body", "editor_notes"]
    page.title = parsed.title
    if parsed.summary:  # an article file without a summary keeps the editor's
        page.summary = "\n\n".join(parsed.summary)
        owned.append("summary")
    page.body = _body_stream(parsed)
    page.editor_notes = editor_notes(parsed)
    if created:
        parent.add_child(instance=page)
    page.conditions.add(*_conditions(parsed.conditions))
    page.save_revision().publish()
    _record_import(page.pk, parsed.title, owned)
    if parsed.read_count is not None:
        set_imported_read_count(page, parsed.read_count)
    logger.info("article imported", extra={"page": page.pk, "new_page": created})
    return page, created


def _record_import(page_id: int, title: str, owned: list[str]) -> None:
    """Remember what the import wrote, read back as stored, for the next import to compare."""
    stored = TreatmentPage.objects.get(pk=page_id)
    ImportedArticle.objects.update_or_create(
        page=stored,
        defaults={
            "title": title,
            "fingerprints": {name: field_fingerprint(stored, name) for name in owned},
        },
    )
