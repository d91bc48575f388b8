"""Celery tasks of the read statistics: thin wrappers that call the refresh."""

from celery import shared_task

from . import refresh


# Named as before the read statistics had their own package: beat schedules and messages
# already queued by a running deployment use this name.
@shared_task(name="treatments.tasks.refresh_read_stats", acks_late=True)
def refresh_read_stats() -> int:
    """Move buffered reads into the statistics tables; returns the reads added.

    acks_late: a worker killed mid-run leaves the message to be redelivered, and
    ``refresh.refresh_read_stats`` makes a rerun add nothing twice.
    """
    return refresh.refresh_read_stats().reads
