"""Render every delivery document of every clinic (after an upgrade, a restore, or to check)."""

from django.core.management.base import BaseCommand

from cms.api.tasks import rebuild_documents
from cms.sites import clinic_site_rows


class Command(BaseCommand):
    help = "Render the partner API's delivery documents of every page at every clinic."

    def handle(self, *args, **options):
        total = 0
        for site in clinic_site_rows():
            count = rebuild_documents(site)
            total += count
            self.stdout.write(f"{site.hostname}: {count} pages")
        self.stdout.write(f"{total} documents rendered")
