"""``manage.py bench_publish --every 3 --for 60s``: an editor publishing library articles.

Each tick picks a library article (the same seeded sequence every run), changes its summary and
publishes it, as an editor would; Wagtail then republishes its aliases at every branch. Prints
``published N`` at the end (bench settings only).
"""

import random
import time

from django.core.management.base import BaseCommand

from treatments.models import TreatmentPage
from treatments.services import get_or_create_library


class Command(BaseCommand):
    help = "Publish a library article every N seconds for a while (the realistic mix's editor)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=3.0)
        parser.add_argument("--for", dest="duration", default="60s")

    def handle(self, *args, every, duration, **options):
        rng = random.Random(5)
        ids = list(
            TreatmentPage.objects.child_of(get_or_create_library()).values_list("id", flat=True)
        )
        end, count = time.monotonic() + float(duration.rstrip("s")), 0
        while time.monotonic() < end:
            page = TreatmentPage.objects.get(pk=rng.choice(ids))
            page.summary = f"{page.summary.rstrip('.')}. Revised {count}."[:2000]
            page.save_revision().publish()
            count += 1
            self.stdout.write(f"published {count}", ending="\n")
            self.stdout.flush()
            time.sleep(every)
