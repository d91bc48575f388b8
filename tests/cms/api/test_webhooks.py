"""Webhooks end to end: a real receiver on loopback, a real Celery worker, the admin's replay.

The receiver is an HTTP server this test starts; it checks nothing itself, it records what
came. Signatures are checked with the Python snippet of docs/partners.md (and the JavaScript
one with node), so the documented verifier is the one proven against real deliveries.
"""

import json
import re
import shutil
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from clinics import offering, services
from clinics.models import ClinicSettings
from cms.api import webhook_tasks, webhooks
from cms.api.webhook_signing import new_secret, signature, verify
from cms.models import (
    DeliveryStatus,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from tests.factories import TreatmentPageFactory, UserFactory
from tests.processes import (
    ROOT,
    child_env,
    free_port,
    start_celery_worker,
    stop,
    wait_for,
)

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

ALL_TYPES = [choice for choice, _ in WebhookEventType.choices]


def docs_snippet(language: str) -> str:
    text = (ROOT / "docs" / "partners.md").read_text()
    (code,) = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    return code


def python_verifier():
    namespace: dict = {}
    exec(docs_snippet("python"), namespace)  # noqa: S102  the documented snippet, as a partner pastes it
    return namespace["verify_webhook"]


def endpoint(url: str, sites, types=ALL_TYPES, partner="acme") -> WebhookEndpoint:
    created = WebhookEndpoint.objects.create(
        partner=partner,
        url=url,
        secret=new_secret(),
        event_types=list(types),
        owner_email=f"{partner}@example.org",
    )
    created.clinics.set(sites)
    return created


def all_delivered() -> bool:
    return not WebhookDelivery.objects.exclude(status=DeliveryStatus.SUCCEEDED).exists()


def test_each_event_reaches_each_endpoint_once_signed_and_a_tampered_body_fails(
    world, receiver, worker
):
    north, south = world.north.site, world.south.site
    everything = endpoint(receiver.url("/all"), [north])
    withdrawals = endpoint(
        receiver.url("/withdrawn"), [north, south], [WebhookEventType.PAGE_WITHDRAWN]
    )
    endpoint(receiver.url("/south"), [south])
    index = services.treatment_index(world.north)

    page = TreatmentPageFactory(parent=index, title="Heat", slug="heat", live=False)
    page.save_revision().publish()
    offering.withdraw_article(world.article, world.north)
    world.north_own.unpublish()
    page.delete()
    settings_row = ClinicSettings.for_site(north)
    settings_row.address = "1 High Street"
    settings_row.save()

    events = WebhookEvent.objects.filter(site=north)
    assert sorted(set(events.values_list("type", flat=True))) == sorted(ALL_TYPES)
    wait_for(
        lambda: len(receiver.received) == WebhookDelivery.objects.count() and all_delivered(),
        "every delivery",
    )
    # Redelivered tasks (as a broker redelivers after a lost ack) send nothing twice. The
    # worker takes tasks in order: once a later change is delivered, they have all run.
    for delivery in WebhookDelivery.objects.all():
        webhook_tasks.deliver_webhook.delay(delivery.pk)
    settings_row.phone = "0123"
    settings_row.save()
    wait_for(
        lambda: len(receiver.received) == WebhookDelivery.objects.count() and all_delivered(),
        "the later change's delivery",
    )
    assert set(WebhookDelivery.objects.values_list("attempts", flat=True)) == {1}

    ids_all = [r["headers"]["webhook-id"] for r in receiver.at("/all")]
    assert sorted(ids_all) == sorted(str(pk) for pk in events.values_list("pk", flat=True))
    withdrawn = events.filter(type=WebhookEventType.PAGE_WITHDRAWN)
    assert [r["headers"]["webhook-id"] for r in receiver.at("/withdrawn")] == [
        str(withdrawn.get().pk)
    ]
    assert receiver.at("/south") == []
    assert WebhookDelivery.objects.filter(endpoint=withdrawals).count() == 1

    verify_webhook = python_verifier()
    for request in receiver.at("/all"):
        assert verify_webhook(everything.secret, request["headers"], request["body"])
        payload = json.loads(request["body"])
        assert payload["id"] == request["headers"]["webhook-id"]
        assert payload["data"]["clinic"] == "north"
    request = receiver.at("/withdrawn")[0]
    payload = json.loads(request["body"])
    assert payload["data"]["page"] == {
        "id": world.north_alias.pk,
        "type": "treatments.TreatmentPage",
    }
    tampered = request["body"].replace(b'"north"', b'"south"')
    assert not verify_webhook(withdrawals.secret, request["headers"], tampered)
    assert not verify_webhook(everything.secret, request["headers"], request["body"])
    assert verify_webhook(withdrawals.secret, request["headers"], request["body"])


def test_a_failing_receiver_gets_retries_then_an_admin_replay_delivers(world, receiver, worker):
    failing = endpoint(receiver.url("/down"), [world.north.site])
    receiver.status = 503

    world.north_own.unpublish()

    wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=failing, attempts=3).exists(),
        "three attempts (one and two retries)",
    )
    delivery = WebhookDelivery.objects.get(endpoint=failing)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_code == 503
    attempts = receiver.at("/down")
    assert len(attempts) == 3
    assert len({r["headers"]["webhook-id"] for r in attempts}) == 1  # the same event each time

    receiver.status = 200
    admin = UserFactory(username="webhook-admin", is_superuser=True, is_staff=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    page = browser.get(f"/admin/webhooks/deliveries/{failing.pk}/")
    assert page.status_code == 200
    assert f'data-delivery="{delivery.pk}" data-status="failed"' in page.content.decode()
    assert browser.post(f"/admin/webhooks/replay/{delivery.pk}/").status_code == 403  # no CSRF
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())[1]
    answer = browser.post(f"/admin/webhooks/replay/{delivery.pk}/", {"csrfmiddlewaretoken": token})
    assert answer.status_code == 302

    wait_for(lambda: len(receiver.at("/down")) == 4, "the replayed delivery")
    wait_for(all_delivered, "the replay's success to be recorded")
    delivery.refresh_from_db()
    assert delivery.response_code == 200
    assert delivery.attempts == 4
    assert python_verifier()(
        failing.secret, receiver.at("/down")[-1]["headers"], receiver.at("/down")[-1]["body"]
    )


def test_replay_all_failed_since_a_time_and_rotation_signs_with_both_secrets(
    world, receiver, worker
):
    failing = endpoint(receiver.url("/later"), [world.north.site])
    receiver.status = 500
    world.north_own.unpublish()
    offering.withdraw_article(world.article, world.north)
    wait_for(
        lambda: WebhookDelivery.objects.filter(endpoint=failing, attempts=3).count() == 2,
        "both deliveries to fail for good",
    )
    old_secret = failing.secret
    webhooks.rotate_secret(failing)
    receiver.status = 204
    admin = UserFactory(username="webhook-admin", is_superuser=True, is_staff=True)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin)
    page = browser.get(f"/admin/webhooks/deliveries/{failing.pk}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    browser.post(
        f"/admin/webhooks/replay-failed/{failing.pk}/",
        {"csrfmiddlewaretoken": token, "since": since},
    )

    wait_for(all_delivered, "both replays")
    replays = receiver.at("/later")[-2:]
    verify_webhook = python_verifier()
    for request in replays:
        assert verify_webhook(failing.secret, request["headers"], request["body"])
        assert verify_webhook(old_secret, request["headers"], request["body"])


BROKER_DOWN_SCRIPT = """
import django, json, sys, time
django.setup()
from treatments.models import TreatmentPage
from cms.models import WebhookDelivery
page = TreatmentPage.objects.get(pk=int(sys.argv[1]))
started = time.monotonic()
page.unpublish()
took = time.monotonic() - started
print(json.dumps({
    "live": TreatmentPage.objects.get(pk=page.pk).live,
    "statuses": list(WebhookDelivery.objects.values_list("status", flat=True)),
    "took": took,
}))
"""


def test_publishing_never_fails_on_a_broker_that_is_down(world, receiver, tmp_path):
    """A process whose broker refuses connections: the unpublish commits, the delivery
    waits as pending, and the sweep (once a worker and broker run) sends it."""
    endpoint(receiver.url("/later"), [world.north.site])
    result = subprocess.run(
        [sys.executable, "-c", BROKER_DOWN_SCRIPT, str(world.north_own.pk)],
        cwd=ROOT,
        env=child_env(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["live"] is False
    assert outcome["statuses"] == [DeliveryStatus.PENDING]
    assert "could not queue a webhook delivery" in result.stderr

    worker = start_celery_worker(tmp_path, WEBHOOK_SWEEP_AGE="0")
    try:
        webhook_tasks.sweep_webhook_deliveries.delay()
        wait_for(all_delivered, "the swept delivery")
    finally:
        stop(worker)
    assert len(receiver.at("/later")) == 1


def test_an_endpoint_failing_for_a_day_is_paused_and_its_owner_told(world, settings):
    down = endpoint("http://127.0.0.1:9/", [world.north.site])
    WebhookEndpoint.objects.filter(pk=down.pk).update(
        active_since=timezone.now() - timedelta(days=2)
    )
    down.refresh_from_db()
    event = WebhookEvent.objects.create(type="page.deleted", site=world.north.site, payload={})
    delivery = WebhookDelivery.objects.create(endpoint=down, event=event)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )

    assert webhooks.attempt(delivery.pk) is False

    down.refresh_from_db()
    assert down.paused
    assert [message.to for message in mail.outbox] == [["acme@example.org"]]
    assert webhooks.attempt(delivery.pk) is None  # paused: nothing sent

    # Unpaused by an admin: the old failures no longer count, the endpoint gets a day again.
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    settings.API_PARTNER_KEYS = {"acme": "k1"}
    client.post(
        f"/admin/webhooks/edit/{down.pk}/",
        {
            "partner": "acme",
            "url": down.url,
            "clinics": [world.north.site.pk],
            "event_types": ALL_TYPES,
            "owner_email": down.owner_email,
        },
    )
    down.refresh_from_db()
    assert not down.paused
    assert webhooks.attempt(delivery.pk) is False
    down.refresh_from_db()
    assert not down.paused
    assert len(mail.outbox) == 1


def test_the_javascript_snippet_verifies_the_same_signature(tmp_path):
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    secret = new_secret()
    body = b'{"id":"e1","type":"page.published"}'
    timestamp = int(timezone.now().timestamp())
    header = signature(secret, "e1", timestamp, body)
    assert verify(secret, "e1", timestamp, body, header)
    script = tmp_path / "check.js"
    script.write_text(
        docs_snippet("javascript")
        + f"""
const headers = {{"webhook-id": "e1", "webhook-timestamp": "{timestamp}",
                  "webhook-signature": "v1,bad {header}"}};
const secret = {json.dumps(secret)};
const good = verifyWebhook(secret, headers, Buffer.from({json.dumps(body.decode())}));
const bad = verifyWebhook(secret, headers, Buffer.from({json.dumps(body.decode() + " ")}));
console.log(JSON.stringify({{good, bad}}));
"""
    )
    result = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"good": True, "bad": False}
