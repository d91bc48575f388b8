"""Writes to an article's read total that come from outside the beacon."""

from wagtail.models import Page

from .models import ReadTotal


def set_imported_read_count(page: Page, imported: int) -> ReadTotal:
    """Make ``imported`` the article's starting total, keeping reads counted since."""
    total, _ = ReadTotal.objects.select_for_update().get_or_create(page=page)
    total.count = total.count - total.imported_count + imported
    total.imported_count = imported
    total.save(update_fields=["count", "imported_count"])
    return total
