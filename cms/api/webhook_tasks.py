"""Celery tasks of the webhooks: send one delivery with retries, sweep what was never queued.

Queuing never raises into its caller: a change has committed by then, and a broker that is
down leaves the deliveries pending for ``sweep_webhook_deliveries`` (beat, every few minutes).
"""

import logging

from celery import shared_task
from django.conf import settings

from . import webhooks

logger = logging.getLogger(__name__)


def queue_deliveries(delivery_ids: list[int]) -> None:
    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:
            logger.warning("could not queue a webhook delivery; the sweep will", exc_info=True)
            return


def emit_and_queue(payloads: list[tuple[int, str, dict]]) -> None:
    """After a change's commit: record its webhook events, then queue their deliveries."""
    queue_deliveries(webhooks.emit(payloads))


def backoff(retries: int) -> float:
    """Exponential: base, 2 x base, 4 x base ... up to the cap."""
    return min(settings.WEBHOOK_RETRY_BACKOFF * 2**retries, settings.WEBHOOK_RETRY_BACKOFF_MAX)


@shared_task(name="cms.api.deliver_webhook", bind=True, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> bool | None:
    """Send a delivery; a failure is retried with backoff up to ``WEBHOOK_MAX_RETRIES`` times."""
    sent = webhooks.attempt(delivery_id)
    if sent is False and self.request.retries < settings.WEBHOOK_MAX_RETRIES:
        raise self.retry(countdown=backoff(self.request.retries))
    return sent


@shared_task(name="cms.api.sweep_webhook_deliveries")
def sweep_webhook_deliveries() -> int:
    """Queue the pending deliveries that no task has taken (broker down when they were made)."""
    ids = list(
        webhooks.stale_pending(settings.WEBHOOK_SWEEP_AGE).values_list("pk", flat=True)[:1000]
    )
    queue_deliveries(ids)
    return len(ids)


def replay(deliveries) -> int:
    """Send these deliveries again (admin): pending now, then queued."""
    ids = webhooks.mark_for_replay(deliveries)
    queue_deliveries(ids)
    return len(ids)
