"""Test-only: a read refresh in a child process that blocks at a named point, to be killed there.

With ``READS_REFRESH_PAUSE_AT=<point>`` in its environment, the refresh sets
``reads:paused:<point>`` when it gets there and waits until the test sets ``reads:resume:<point>``
(or kills it). Points: ``taken`` (the live reads renamed to a batch), ``before-commit`` (counts
written, transaction open), ``committed`` (counts committed, batch not yet cleaned up).

Two ways in: ``celery -A tests.treatments.reads.pausing worker`` (a worker of the project's
Celery app that patches the refresh before its first task) and
``python -m tests.treatments.reads.pausing`` (``manage.py refresh_read_stats`` with the patches).
Production code knows nothing of this.
"""

import os
import time

from celery.signals import task_prerun

from cms.celery import app  # noqa: F401  the app ``celery -A`` finds here

_installed = False


def pause(point: str) -> None:
    if os.environ.get("READS_REFRESH_PAUSE_AT") != point:
        return
    from treatments.reads.buffer import redis_client

    r = redis_client()
    r.set(f"reads:paused:{point}", 1)
    while not r.exists(f"reads:resume:{point}"):
        time.sleep(0.05)


def install() -> None:
    """Wrap the refresh's steps with the pauses (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    from treatments.reads import buffer, refresh

    take, add, discard = buffer.take_batch, refresh._add_counts, buffer.discard_batch

    def take_batch():
        key = take()
        pause("taken")
        return key

    def add_counts(counts):
        result = add(counts)
        pause("before-commit")
        return result

    def discard_batch(key):
        pause("committed")
        discard(key)

    buffer.take_batch, refresh._add_counts, buffer.discard_batch = (
        take_batch,
        add_counts,
        discard_batch,
    )


@task_prerun.connect
def _install_before_the_first_task(**kwargs):
    install()


if __name__ == "__main__":
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    install()
    execute_from_command_line(["manage.py", "refresh_read_stats"])
