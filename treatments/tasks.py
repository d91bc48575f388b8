"""Celery tasks: thin wrappers that call services."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def refresh_read_stats() -> int:
    """Move buffered reads into the statistics tables; returns the reads added.

    acks_late: a worker killed mid-run leaves the message to be redelivered, and
    ``services.refresh_read_stats`` makes a rerun add nothing twice.
    """
    return services.refresh_read_stats().reads
