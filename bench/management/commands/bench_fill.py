"""``manage.py bench_fill N``: the benchmark's articles and branches; prints them as JSON."""

import json

from django.core.management.base import BaseCommand

from bench.fill import fill


class Command(BaseCommand):
    help = "Create N seed-sized articles offered at two bench branches (bench settings only)."

    def add_arguments(self, parser):
        parser.add_argument("articles", type=int)

    def handle(self, *args, articles, **options):
        self.stdout.write(json.dumps(fill(articles)))
