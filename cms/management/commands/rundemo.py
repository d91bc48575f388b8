"""Run the whole system on the embedded default: Redis, web server, Celery worker and beat."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from cms import embedded_redis


class Command(BaseCommand):
    help = "Migrate, load the demo content and run web, Celery worker and beat (embedded Redis)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="Skip load_demo.")

    def handle(self, *args, addrport, no_demo, **options):
        children: list[subprocess.Popen] = []
        if settings.REDIS_URL == f"unix://{settings.EMBEDDED_REDIS_SOCKET}":
            server = embedded_redis.redis_server_binary()
            self.stdout.write(f"Starting Redis ({server}) on {settings.EMBEDDED_REDIS_SOCKET}")
            children.append(embedded_redis.start(settings.EMBEDDED_REDIS_SOCKET))
        try:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("collectstatic", interactive=False, verbosity=0)
            if not no_demo:
                call_command("load_demo", stdout=self.stdout)
            host = addrport if ":" in addrport else f"127.0.0.1:{addrport}"
            # Beat keeps its schedule here; a fresh clone has no var/ until something makes it.
            settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
            schedule = str(settings.VAR_DIR / "celerybeat-schedule")
            celery = [sys.executable, "-m", "celery", "-A", "cms"]
            commands = [
                [*celery, "worker", "-l", "warning", "-c", "2"],
                [*celery, "beat", "-l", "warning", "-s", schedule],
                [sys.executable, "manage.py", "runserver", "--noreload", host],
            ]
            # Fixed argument lists built from our own settings, not user input.
            children += [subprocess.Popen(command) for command in commands]  # noqa: S603
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin: http://{host}/admin/   API: http://{host}/api/v2/pages/"
                )
            )
            self._wait(children)
        finally:
            for child in reversed(children):
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()

    def _wait(self, children):
        """Run until Ctrl-C or until any part of the system stops."""
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        except KeyboardInterrupt:
            return
        stopped = [c for c in children if c.poll() is not None]
        self.stderr.write(f"A process stopped (exit {stopped[0].returncode}); shutting down.")
