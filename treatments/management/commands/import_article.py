"""Import articles in the seed's plain-text shape: the way a clinic moves its old site in."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from treatments import services
from treatments.models import TreatmentIndexPage, TreatmentLibraryPage
from treatments.plaintext import ArticleFileError, parse_article, read_article_file


class Command(BaseCommand):
    help = "Import treatment articles from plain-text files; re-importing updates them."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--parent",
            type=int,
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
                self.stderr.write(f"error: {error}")
                continue
            verb = "created" if created else "updated"
            self.stdout.write(f'{path}: {verb} article {page.pk} "{page.title}"')
            for note in filter(None, page.editor_notes.splitlines()):
                self.stdout.write(f"  note: {note}")
        if failures:
            raise CommandError(f"{failures} of {len(files)} file(s) not imported")

    def _parent(self, page_id):
        if page_id is None:
            return None
        for model in (TreatmentLibraryPage, TreatmentIndexPage):
            page = model.objects.filter(pk=page_id).first()
            if page:
                return page
        raise CommandError(f"--parent {page_id}: no treatment library or index page with that id")
