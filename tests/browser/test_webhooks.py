"""The webhook admin in Debian's chromium: an admin registers an endpoint, sees its failed
delivery (a real receiver answering 503, a real Celery worker retrying), fixes nothing but the
receiver, replays from the deliveries view and sees it delivered. SCREENSHOT_DIR keeps a
screenshot of each step (sync-NN-*.png).
"""

import os

import pytest
from playwright.sync_api import expect

from cms.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.conftest import admin_login
from tests.factories import UserFactory
from tests.processes import wait_for

pytestmark = [pytest.mark.browser, pytest.mark.celery, pytest.mark.django_db(transaction=True)]

expect.set_options(timeout=20_000)

PASSWORD = "admin-pass-123"


def shot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_an_admin_registers_an_endpoint_sees_a_failure_and_replays_it(
    world, live_server, browser_page, receiver, worker, settings
):
    settings.API_PARTNER_KEYS = {"acme": "acme-key", "beta": "beta-key"}
    UserFactory(username="admin", password=PASSWORD, is_superuser=True, is_staff=True)
    page = browser_page
    admin_login(page, live_server, "admin", PASSWORD)

    page.goto(f"{live_server.url}/admin/webhooks/new/")
    page.select_option("select[name=partner]", "acme")
    page.fill("input[name=url]", receiver.url("/hook"))
    page.get_by_label("North", exact=True).check()
    page.get_by_label("page.unpublished").check()
    page.get_by_label("page.withdrawn").check()
    page.fill("input[name=owner_email]", "ops@acme.example")
    shot(page, "sync-01-endpoint-form")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_text(receiver.url("/hook")).first).to_be_visible()
    shot(page, "sync-02-endpoints")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.event_types == ["page.unpublished", "page.withdrawn"]

    receiver.status = 503
    world.north_own.unpublish()
    wait_for(
        lambda: WebhookDelivery.objects.filter(attempts=3, status=DeliveryStatus.FAILED).exists(),
        "the delivery to fail after its retries",
    )
    page.get_by_role("link", name="Deliveries").click()
    row = page.locator("tr[data-delivery]")
    expect(row).to_have_attribute("data-status", "failed")
    expect(row).to_contain_text("503")
    expect(row).to_contain_text("page.unpublished")
    shot(page, "sync-03-deliveries-failed")

    receiver.status = 204
    row.get_by_role("button", name="Replay").click()
    expect(page.get_by_text("queued again")).to_be_visible()
    wait_for(
        lambda: WebhookDelivery.objects.filter(status=DeliveryStatus.SUCCEEDED).exists(),
        "the replay",
    )
    page.reload()
    row = page.locator("tr[data-delivery]")
    expect(row).to_have_attribute("data-status", "succeeded")
    expect(row).to_contain_text("204")
    shot(page, "sync-04-replayed")
    assert len(receiver.at("/hook")) == 4  # three failed attempts, then the replay
