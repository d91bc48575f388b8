"""Webhooks: events recorded after a change commits, delivered signed, recorded, replayable.

``emit`` runs after the change's commit (``changes.record``): it stores one event and one
pending delivery per endpoint that wants it, and nothing else; sending is a Celery task
(``webhook_tasks``). So a slow or failing receiver, or a broker that is down, never delays or
fails a publish: a delivery that could not be queued stays pending and the sweep sends it.

A delivery is sent at most once successfully: ``attempt`` holds the delivery's row lock while
it sends and skips one that has already succeeded, so a task the broker redelivers, a retry
racing a replay, or a sweep of one in flight never sends twice. A replay sets it pending again
on purpose. An endpoint that has failed for ``WEBHOOK_PAUSE_AFTER`` seconds without a success
is paused and its owner mailed; its events are still recorded for a replay.
"""

import logging
import urllib.error
import urllib.request
from datetime import timedelta

import orjson
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Site

from cms.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

from .webhook_signing import new_secret, signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "ClinicCMS-Webhooks/1"


def clinic_slugs(site_ids) -> dict[int, str]:
    return dict(Site.objects.filter(pk__in=set(site_ids)).values_list("pk", "root_page__slug"))


def emit(payloads: list[tuple[int, str, dict]]) -> list[int]:
    """Store each (site id, event type, data) for the endpoints that want it; their deliveries.

    Runs after the change committed: any error is logged and the change stands.
    """
    endpoints = list(WebhookEndpoint.objects.prefetch_related("clinics"))
    wanted = {
        (site_id, type_): [
            endpoint
            for endpoint in endpoints
            if type_ in endpoint.event_types
            and site_id in {clinic.pk for clinic in endpoint.clinics.all()}
        ]
        for site_id, type_, _ in payloads
    }
    slugs = clinic_slugs(site_id for site_id, _, _ in payloads)
    deliveries = []
    with transaction.atomic():
        for site_id, type_, data in payloads:
            targets = wanted[(site_id, type_)]
            if not targets:
                continue
            event = WebhookEvent(type=type_, site_id=site_id, payload={})
            event.payload = {
                "id": str(event.id),
                "type": type_,
                "timestamp": timezone.now().isoformat(),
                "data": {"clinic": slugs.get(site_id, ""), **data},
            }
            event.save()
            deliveries += WebhookDelivery.objects.bulk_create(
                WebhookDelivery(endpoint=endpoint, event=event) for endpoint in targets
            )
    return [delivery.pk for delivery in deliveries]


def valid_secrets(endpoint: WebhookEndpoint, now) -> list[str]:
    """The current secret, and the previous one until its grace period ends."""
    found = [endpoint.secret]
    expires = endpoint.previous_secret_expires_at
    if endpoint.previous_secret and expires and expires > now:
        found.append(endpoint.previous_secret)
    return found


def post(endpoint: WebhookEndpoint, event: WebhookEvent, now) -> int:
    """Send the event; the response's status code (HTTPError included), OSError if none."""
    body = orjson.dumps(event.payload)
    timestamp = int(now.timestamp())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": str(event.id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(
            valid_secrets(endpoint, now), str(event.id), timestamp, body
        ),
    }
    request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=settings.WEBHOOK_TIMEOUT) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as e:
        return e.code


def attempt(delivery_id: int) -> bool | None:
    """Send one delivery unless already done; True sent, False failed, None nothing to do."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint", "event")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SUCCEEDED:
            return None
        if delivery.endpoint.paused:
            return None
        now = timezone.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        try:
            code = post(delivery.endpoint, delivery.event, now)
        except OSError as e:
            code, delivery.error = None, str(e)[:1000]
        delivery.response_code = code
        ok = code is not None and 200 <= code < 300
        if ok:
            delivery.status, delivery.delivered_at, delivery.error = (
                DeliveryStatus.SUCCEEDED,
                now,
                "",
            )
        else:
            delivery.status = DeliveryStatus.FAILED
            if code is not None:
                delivery.error = f"HTTP {code}"
        delivery.save()
    if not ok:
        pause_if_failing_too_long(delivery.endpoint)
    return ok


def pause_if_failing_too_long(endpoint: WebhookEndpoint) -> bool:
    """Pause an endpoint whose failures span ``WEBHOOK_PAUSE_AFTER`` with no success since
    (nor since it was made or last unpaused, so an unpaused endpoint gets a day again)."""
    now = timezone.now()
    deliveries = WebhookDelivery.objects.filter(endpoint=endpoint)
    last_success = deliveries.aggregate(last=Max("delivered_at"))["last"]
    streak_start = max(filter(None, [last_success, endpoint.active_since]))
    failing = deliveries.filter(status=DeliveryStatus.FAILED, created_at__gt=streak_start)
    oldest = failing.order_by("created_at").values_list("created_at", flat=True).first()
    if oldest is None or now - oldest < timedelta(seconds=settings.WEBHOOK_PAUSE_AFTER):
        return False
    paused = WebhookEndpoint.objects.filter(pk=endpoint.pk, paused=False).update(
        paused=True, paused_at=now
    )
    if paused:
        logger.warning("webhook endpoint paused", extra={"endpoint": endpoint.pk})
        send_mail(
            subject=f"Webhook endpoint paused: {endpoint.url}",
            message=(
                f"Deliveries to {endpoint.url} (partner {endpoint.partner}) have failed since "
                f"{oldest:%Y-%m-%d %H:%M} UTC without a success, so the endpoint is paused. "
                "Fix the receiver, unpause the endpoint in the admin and replay the failed "
                "deliveries."
            ),
            from_email=None,
            recipient_list=[endpoint.owner_email],
            fail_silently=True,
        )
    return bool(paused)


def mark_for_replay(deliveries) -> list[int]:
    """Make deliveries pending again (a deliberate resend, even of a success); their ids."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(status=DeliveryStatus.PENDING)
    return ids


def failed_since(endpoint: WebhookEndpoint, since):
    return WebhookDelivery.objects.filter(
        endpoint=endpoint, status=DeliveryStatus.FAILED, created_at__gte=since
    )


def stale_pending(age_seconds: float):
    """Pending deliveries older than ``age_seconds``: never queued (broker down) or lost."""
    cutoff = timezone.now() - timedelta(seconds=age_seconds)
    return WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING, created_at__lt=cutoff, endpoint__paused=False
    )


def rotate_secret(endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret; the old one keeps signing too for ``WEBHOOK_SECRET_GRACE`` seconds."""
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(
        seconds=settings.WEBHOOK_SECRET_GRACE
    )
    endpoint.secret = new_secret()
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    return endpoint
