"""Import review: what an imported article still asks of its editors.

The importer lists an unanswered question or a line it could not place in the article's
editor notes; partners see neither (the API leaves unanswered questions out, unplaced lines
are not published). The explorer flags such articles so the notes are not forgotten; an
editor settles each point and deletes its note.
"""

from django.db.models import OuterRef, QuerySet, Subquery
from wagtail.models import Page

from .models import TreatmentPage

# The annotation the explorer's queryset carries, so flagging a row costs no query of its own.
NOTES = "import_review_notes"


def with_review_notes(pages: QuerySet) -> QuerySet:
    """``pages`` with each article's editor notes (None for other pages), in the same query."""
    notes = TreatmentPage.objects.filter(pk=OuterRef("pk")).values("editor_notes")[:1]
    return pages.annotate(**{NOTES: Subquery(notes)})


def review_notes(page: Page) -> list[str]:
    """The points an editor must still settle in ``page``, one per line of its notes.

    An alias shows its library original's notes: those are the library's to settle, not the
    branch's, so an alias has none of its own.
    """
    if page.alias_of_id:
        return []
    notes = getattr(page, NOTES, None)
    if notes is None and isinstance(page, TreatmentPage):
        notes = page.editor_notes
    return [line for line in (notes or "").splitlines() if line.strip()]
