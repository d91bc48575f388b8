"""Cache invalidations a change could not make while Redis (or the broker) was away.

Kept in the database, in the change's own transaction, so a rolled-back change leaves none;
``cache.replay_missed`` (a beat task) bumps and purges them once Redis is back.
"""

from collections.abc import Iterable

from django.db import transaction

from cms.models import MissedInvalidation

REPLAY_BATCH = 1000


def record_missed(tags: Iterable[str]) -> None:
    """Keep ``tags`` for the replay."""
    tags = sorted(set(tags))
    if tags:
        with transaction.atomic():
            MissedInvalidation.objects.create(tags=tags)


def missed_rows() -> list[tuple[int, list[str]]]:
    """The oldest rows still to replay, as (id, tags)."""
    return list(MissedInvalidation.objects.order_by("pk").values_list("pk", "tags")[:REPLAY_BATCH])


def forget_missed(up_to: int) -> None:
    """Delete the rows a replay settled (ids up to ``up_to``); later ones wait for the next."""
    MissedInvalidation.objects.filter(pk__lte=up_to).delete()
