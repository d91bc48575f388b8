"""Delete a branch: without --yes it only says what would go."""

from django.core.management.base import BaseCommand, CommandError

from clinics import services


class Command(BaseCommand):
    help = (
        "Delete a branch's Site, pages (its aliases and own articles), groups and collection. "
        "Library articles are untouched; images and documents move to the root collection. "
        "Without --yes nothing is deleted."
    )

    def add_arguments(self, parser):
        parser.add_argument("branch", help="The branch's slug or hostname.")
        parser.add_argument("--yes", action="store_true", help="Really delete.")

    def handle(self, *args, branch, yes, **options):
        try:
            found = services.find_branch(branch)
        except services.ClinicError as error:
            raise CommandError(str(error)) from error
        summary = services.describe_deletion(found)
        own = ", ".join(summary.own_articles) or "none"
        self.stdout.write(
            f'Branch "{summary.branch}" ({summary.hostname}): {summary.pages} pages, '
            f"of which {summary.aliases} library aliases; own articles: {own}; "
            f"groups: {', '.join(summary.groups)}; "
            f"{summary.media_kept} images/documents kept in the root collection."
        )
        if not yes:
            self.stdout.write("Nothing deleted: re-run with --yes to delete.")
            return
        services.delete_clinic(found)
        self.stdout.write(self.style.SUCCESS(f'Deleted branch "{summary.branch}".'))
