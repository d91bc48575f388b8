"""``manage.py bench_refresh``: the cost of refreshing buffered reads, at two sizes.

Reads are buffered the way partners cause them, through the read beacon, for ``--small`` and then
``--articles`` distinct articles of a third bench branch; each time ``refresh_read_stats`` runs
under ``CaptureQueriesContext`` and a clock. A constant number of SQL statements shows at the two
sizes; the totals must grow by exactly the reads sent. Prints JSON.
"""

import json
import time
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.fill import fill_reads_branch
from treatments.models import ReadTotal, TreatmentPage

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"


def find_refresh() -> Callable[[], object] | None:
    """The refresh the beat task and the command both run: ``refresh.refresh_read_stats``."""
    try:
        from treatments.reads.refresh import refresh_read_stats
    except ImportError:
        return None
    return refresh_read_stats


def _total(page_ids: list[int]) -> int:
    return ReadTotal.objects.filter(page_id__in=page_ids).aggregate(n=Sum("count"))["n"] or 0


class Command(BaseCommand):
    help = "Measure refresh_read_stats on reads buffered for N articles (bench settings only)."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=10_000)
        parser.add_argument("--small", type=int, default=100)

    def handle(self, *args, articles, small, **options):
        self.stdout.write(json.dumps(self.measure(articles, small)))

    def measure(self, articles: int, small: int) -> dict:
        refresh = find_refresh()
        if refresh is None:
            return {"available": False, "reason": "no refresh_read_stats command or task"}
        branch = fill_reads_branch(articles)
        aliases = branch["aliases"]
        originals = list(
            TreatmentPage.objects.filter(pk__in=aliases).values_list("alias_of_id", flat=True)
        )
        # A browser's user agent: a beacon without one is answered but not counted.
        client = Client(HTTP_HOST=branch["hostname"], HTTP_USER_AGENT=BROWSER)
        status = client.post(f"/api/v2/pages/{aliases[0]}/read/").status_code
        if status >= 400:
            return {"available": False, "reason": f"read beacon answers HTTP {status}"}
        refresh()  # drain what earlier runs buffered: the measurement starts from an empty buffer
        runs = []
        for size in (small, articles):
            before = _total(originals)
            for page_id in aliases[:size]:
                client.post(f"/api/v2/pages/{page_id}/read/")
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                refresh()
                seconds = time.perf_counter() - started
            runs.append(
                {
                    "articles": size,
                    "statements": len(queries),
                    "seconds": round(seconds, 3),
                    "reads_sent": size,
                    "reads_added": _total(originals) - before,
                }
            )
        return {"available": True, "runs": runs}
