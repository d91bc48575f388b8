"""Load the demo: the seed article, two branches carrying it, and logins. Safe to re-run.

Demo logins are a way in: the command refuses weak passwords everywhere, and under production
settings it runs only when asked to, with passwords the operator chose and never prints.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clinics.groups import sync_library_group
from cms.demo import (
    DEMO_BRANCHES,
    load_demo_branch,
    load_demo_local,
    load_demo_review,
    load_seed_article,
)
from treatments.governance.models import reviewers_group
from treatments.plaintext import ArticleFileError

# The environment variables that carry the logins' passwords.
ADMIN_VARIABLE = "DEMO_ADMIN_PASSWORD"
EDITOR_VARIABLE = "DEMO_EDITOR_PASSWORD"
# The clinical reviewer's login (its password is an editor's: DEMO_EDITOR_PASSWORD).
REVIEWER = "clinical-reviewer"


class Command(BaseCommand):
    help = (
        "Import the seed article, create the North and South branches offering it, create "
        "the admin, branch editor, library editor and clinical reviewer logins, and take the "
        "seed through clinical review."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help=(
                f"Load the demo under production settings too; the logins' passwords must "
                f"then come from {ADMIN_VARIABLE} and {EDITOR_VARIABLE}, and none is printed."
            ),
        )

    def handle(self, *args, allow_production, **options):
        production = settings.IS_PRODUCTION
        if production and not allow_production:
            raise CommandError(
                "load_demo creates demo content and logins and refuses to run under production "
                "settings; pass --allow-production to load it there anyway"
            )
        admin = os.environ.get("DEMO_ADMIN_USERNAME") or "admin"
        usernames = [admin, "library-editor", REVIEWER] + [
            f"{spec['slug']}-{role}" for spec in DEMO_BRANCHES for role in ("editor", "moderator")
        ]
        existing = set(
            get_user_model()
            .objects.filter(username__in=usernames)
            .values_list("username", flat=True)
        )
        # Checked before anything is written: a refused password leaves the database as it was.
        passwords = {
            username: self._password(username, admin, production)
            for username in usernames
            if username not in existing
        }
        try:
            page, created = load_seed_article()
        except ArticleFileError as error:
            raise CommandError(f"seed article {settings.DEMO_CONTENT_DIR}: {error}") from None
        state = "imported" if created else "already present"
        self.stdout.write(f"Seed article {state}: {page.title} (page {page.pk})")
        for note in filter(None, page.editor_notes.splitlines()):
            self.stdout.write(f"  note for editors: {note}")
        groups = {"library-editor": sync_library_group(), REVIEWER: reviewers_group()}
        for spec in DEMO_BRANCHES:
            branch, created = load_demo_branch(spec, page)
            state = "created, seed offered" if created else "already present"
            self.stdout.write(f"Branch {branch} at http://{branch.site.hostname}/: {state}")
            groups[f"{spec['slug']}-editor"] = branch.editors
            groups[f"{spec['slug']}-moderator"] = branch.moderators
        for username in usernames:
            self._login(username, passwords.get(username), groups.get(username), production)
        reviewer_login = get_user_model().objects.get(username=REVIEWER)
        reviewer, reviewed = load_demo_review(page, reviewer_login)
        state = "reviewed now" if reviewed else "already reviewed"
        self.stdout.write(f"Seed article clinical review by {reviewer}: {state}")
        for branch in load_demo_local(page):
            self.stdout.write(f"Local content on the seed article at {branch}: published")

    def _password(self, username: str, admin: str, production: bool) -> str | None:
        """The login's password from the environment, checked by the project's password
        validators; None when it will be generated (outside production only)."""
        variable = ADMIN_VARIABLE if username == admin else EDITOR_VARIABLE
        given = os.environ.get(variable)
        if not given:
            if production:
                raise CommandError(
                    f"{variable} is not set: under production settings load_demo neither "
                    "generates nor prints passwords, so choose them"
                )
            return None
        user = get_user_model()(username=username, email=f"{username}@example.com")
        try:
            validate_password(given, user)
        except ValidationError as error:
            raise CommandError(
                f"{variable} is too weak for the {username} login: {' '.join(error.messages)}"
            ) from None
        return given

    def _login(self, username: str, password: str | None, group, production: bool) -> None:
        """One login per role; an existing one is left as it is, password included."""
        User = get_user_model()
        role = group or "Admin"
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"{role} login: {username} (exists; password unchanged)")
            return
        password = password or secrets.token_urlsafe(12)
        if group is None:
            User.objects.create_superuser(username, f"{username}@example.com", password)
        else:
            User.objects.create_user(username, f"{username}@example.com", password).groups.add(
                group
            )
        if production:
            source = ADMIN_VARIABLE if group is None else EDITOR_VARIABLE
            self.stdout.write(f"{role} login: {username} (password from {source})")
        else:
            self.stdout.write(self.style.SUCCESS(f"{role} login: {username} / {password}"))
