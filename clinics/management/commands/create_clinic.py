"""Create a clinic branch in one step: site, pages, groups, collection and settings."""

from django.core.management.base import BaseCommand, CommandError

from clinics import services


class Command(BaseCommand):
    help = "Create a clinic branch: its Site, home page, treatments index, groups and settings."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help='The branch\'s name, e.g. "North".')
        parser.add_argument("--hostname", required=True, help="e.g. north.example.org")
        parser.add_argument("--slug", default="", help="Home page slug (default: from the name).")
        parser.add_argument("--port", type=int, default=80)

    def handle(self, *args, name, hostname, slug, port, **options):
        try:
            branch = services.create_clinic(name=name, hostname=hostname, slug=slug, port=port)
        except services.ClinicError as error:
            raise CommandError(str(error)) from error
        site = branch.site
        self.stdout.write(
            self.style.SUCCESS(
                f'Created branch "{site.site_name}" at {site.hostname}:{site.port} '
                f"(home page {site.root_page_id}, slug {site.root_page.slug}); "
                f'groups "{branch.editors.name}" and "{branch.moderators.name}"'
            )
        )
