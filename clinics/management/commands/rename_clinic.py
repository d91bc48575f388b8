"""Rename a branch or move it to another hostname, keeping its pages and editors."""

from django.core.management.base import BaseCommand, CommandError

from clinics import services


class Command(BaseCommand):
    help = "Change a branch's name and/or hostname; its slug, pages and group members stay."

    def add_arguments(self, parser):
        parser.add_argument("branch", help="The branch's slug or current hostname.")
        parser.add_argument("--name", default="")
        parser.add_argument("--hostname", default="")

    def handle(self, *args, branch, name, hostname, **options):
        if not (name or hostname):
            raise CommandError("give --name, --hostname or both")
        try:
            renamed = services.rename_clinic(
                services.find_branch(branch), name=name, hostname=hostname
            )
        except services.ClinicError as error:
            raise CommandError(str(error)) from error
        site = renamed.site
        self.stdout.write(f'Branch "{site.site_name}" now at {site.hostname}:{site.port}')
