"""Reset every branch's groups (and the library editors) to the permissions code defines."""

from django.core.management.base import BaseCommand

from clinics import groups
from clinics.models import ClinicBranch


class Command(BaseCommand):
    help = "Give each branch's editor and moderator groups, and Library editors, their permissions."

    def handle(self, *args, **options):
        branches = ClinicBranch.objects.select_related(
            "site__root_page", "editors", "moderators", "collection"
        )
        for branch in branches:
            groups.sync_branch_groups(branch)
            self.stdout.write(f"{branch}: {branch.editors.name}, {branch.moderators.name}")
        group = groups.sync_library_group()
        self.stdout.write(f"Library: {group.name}")
