"""Load the demo: the seed article, two branches carrying it, and logins. Safe to re-run."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from clinics.groups import sync_library_group
from cms.demo import DEMO_BRANCHES, load_demo_branch, load_seed_article


class Command(BaseCommand):
    help = (
        "Import the seed article, create the North and South branches offering it, "
        "and create the admin, branch editor and library editor logins."
    )

    def handle(self, *args, **options):
        page, created = load_seed_article()
        state = "imported" if created else "already present"
        self.stdout.write(f"Seed article {state}: {page.title} (page {page.pk})")
        library_editors = sync_library_group()
        logins = [("library-editor", library_editors)]
        for spec in DEMO_BRANCHES:
            branch, created = load_demo_branch(spec, page)
            state = "created, seed offered" if created else "already present"
            self.stdout.write(f"Branch {branch} at http://{branch.site.hostname}/: {state}")
            slug = branch.site.root_page.slug
            logins += [(f"{slug}-editor", branch.editors), (f"{slug}-moderator", branch.moderators)]
        self._admin()
        for username, group in logins:
            self._editor(username, group)

    def _admin(self):
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin login: {username} (exists; password unchanged)")
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username, f"{username}@example.com", password)
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))

    def _editor(self, username, group):
        """One login per role; DEMO_EDITOR_PASSWORD gives them all the same password."""
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user:
            self.stdout.write(f"{group} login: {username} (exists; password unchanged)")
            return
        password = os.environ.get("DEMO_EDITOR_PASSWORD") or secrets.token_urlsafe(12)
        user = User.objects.create_user(username, f"{username}@example.com", password)
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{group} login: {username} / {password}"))
