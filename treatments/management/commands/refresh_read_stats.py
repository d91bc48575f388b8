"""Operators' and tests' way to run the read refresh that Celery beat runs on a schedule."""

import redis
from django.core.management.base import BaseCommand, CommandError

from treatments.reads import refresh


class Command(BaseCommand):
    help = "Move buffered reads from Redis into the statistics tables (safe to run any time)."

    def handle(self, *args, **options):
        try:
            result = refresh.refresh_read_stats()
        except redis.RedisError as error:
            raise CommandError(f"Read buffer (Redis) unavailable: {error}") from error
        self.stdout.write(f"Applied {result.reads} reads from {result.batches} batches.")
