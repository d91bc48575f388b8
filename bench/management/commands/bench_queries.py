"""``manage.py bench_queries``: SQL queries per request, as the anchor's ``queries.py`` counts them.

Each request is made once to warm per-process caches (site, content types, and the API cache when
it is on), then three times under ``CaptureQueriesContext``.
"""

import json

from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Command(BaseCommand):
    help = "Count SQL queries per request for [name, method, path] requests given as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--host", required=True)
        parser.add_argument("--requests", required=True, help='[["name", "GET", "/path"], ...]')

    def handle(self, *args, host, requests, **options):
        # A browser's user agent, so the read beacon takes its counting path.
        client = Client(
            HTTP_HOST=host, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
        )
        results = {}
        for name, method, path in json.loads(requests):
            send = client.post if method == "POST" else client.get
            response = send(path)
            counts = []
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    response = send(path)
                counts.append(len(queries))
            results[name] = {
                "status": response.status_code,
                "queries": counts,
                "bytes": len(response.content),
            }
        self.stdout.write(json.dumps(results))
