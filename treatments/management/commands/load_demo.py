"""Load the demo: the seed article in the library, and an admin login. Safe to re-run."""

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from treatments.demo import load_seed_article


class Command(BaseCommand):
    help = "Import the seed article with its session guidance and create an admin login."

    def handle(self, *args, **options):
        page, created = load_seed_article()
        state = "imported" if created else "already present"
        self.stdout.write(f"Seed article {state}: {page.title} (page {page.pk})")
        self._admin()

    def _admin(self):
        username = os.environ.get("DEMO_ADMIN_USERNAME", "admin")
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Admin login: {username} (exists; password unchanged)")
            return
        password = os.environ.get("DEMO_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(username, f"{username}@example.com", password)
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {password}"))
