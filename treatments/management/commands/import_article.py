"""Import articles in the seed's plain-text shape: the way a clinic moves its old site in."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from treatments import services
from treatments.models import TreatmentIndexPage, TreatmentLibraryPage
from treatments.plaintext import ArticleFileError, parse_article, read_article_file, shown

# Page ids are PostgreSQL integers: a larger --parent would fail in the database instead.
MAX_PAGE_ID = 2**31 - 1


class Command(BaseCommand):
    help = (
        "Import treatment articles from plain-text files. Re-importing a file updates the "
        "article its title made, unless an editor has changed it since (then it is refused)."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--parent",
            help="Page id of a treatment library or index page (default: the shared library).",
        )

    def handle(self, *args, files, parent, **options):
        parent_page = self._parent(parent)
        failures = 0
        for path in files:
            try:
                parsed = parse_article(read_article_file(path, settings.IMPORT_ARTICLE_MAX_BYTES))
                page, created = services.import_article(parsed, parent_page)
            except ArticleFileError as error:
                failures += 1
                self.stderr.write(f"error: {shown(path)}: {error}")
                continue
            except services.ImportRefused as error:
                failures += 1
                self.stderr.write(f"refused: {shown(path)}: {error}")
                continue
            verb = "created" if created else "updated"
            self.stdout.write(f'{shown(path)}: {verb} article {page.pk} "{page.title}"')
            for note in filter(None, page.editor_notes.splitlines()):
                self.stdout.write(f"  note: {note}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) not imported")

    def _parent(self, value: str | None):
        if value is None:
            return None
        if not value.isascii() or not value.isdigit() or not 0 < int(value) <= MAX_PAGE_ID:
            raise CommandError(f"--parent {value!r}: not a page id")
        for model in (TreatmentIndexPage, TreatmentLibraryPage):
            page = model.objects.filter(pk=int(value)).first()
            if page:
                return page
        raise CommandError(f"--parent {value}: no treatment library or index page with that id")
