"""The webhook admin is for admins only, on every route; its forms make what they say."""

import pytest

from cms.api.webhook_admin import parse_since
from cms.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def hook(world):
    endpoint = WebhookEndpoint.objects.create(
        partner="acme",
        url="http://127.0.0.1:9/",
        secret="whsec_" + "A" * 32,
        event_types=["page.deleted"],
        owner_email="ops@acme.example",
    )
    endpoint.clinics.set([world.north.site])
    event = WebhookEvent.objects.create(type="page.deleted", site=world.north.site, payload={})
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event=event, status=DeliveryStatus.FAILED, attempts=3
    )
    return endpoint, delivery


def routes(endpoint, delivery):
    return {
        "get": [
            "/admin/webhooks/",
            "/admin/webhooks/new/",
            f"/admin/webhooks/edit/{endpoint.pk}/",
            f"/admin/webhooks/deliveries/{endpoint.pk}/",
        ],
        "post": [
            f"/admin/webhooks/replay/{delivery.pk}/",
            f"/admin/webhooks/replay-failed/{endpoint.pk}/",
            f"/admin/webhooks/rotate/{endpoint.pk}/",
            f"/admin/webhooks/delete/{endpoint.pk}/",
        ],
    }


def test_branch_staff_reach_no_route_and_change_nothing(client, logins, hook):
    endpoint, delivery = hook
    secret = endpoint.secret
    for user in (logins.north_editor, logins.north_moderator, logins.library_editor):
        client.force_login(user)
        for url in routes(endpoint, delivery)["get"]:
            response = client.get(url)
            assert response.status_code in (302, 403), (user, url)
            assert b"whsec_" not in response.content
        for url in routes(endpoint, delivery)["post"]:
            response = client.post(url, {"since": "2020-01-01"})
            assert response.status_code in (302, 403), (user, url)
    endpoint.refresh_from_db()
    delivery.refresh_from_db()
    assert endpoint.secret == secret
    assert delivery.status == DeliveryStatus.FAILED
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_an_admin_creates_an_endpoint_with_a_secret_and_rotates_it(client, world, settings):
    settings.API_PARTNER_KEYS = {"acme": "k1"}
    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/admin/webhooks/new/",
        {
            "partner": "acme",
            "url": "https://partner.example/hooks",
            "clinics": [world.north.site.pk],
            "event_types": ["page.published", "clinic.settings_changed"],
            "owner_email": "ops@acme.example",
        },
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.secret.startswith("whsec_")
    assert list(endpoint.clinics.all()) == [world.north.site]
    first = endpoint.secret

    assert client.post(f"/admin/webhooks/rotate/{endpoint.pk}/").status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.secret != first
    assert endpoint.previous_secret == first
    assert endpoint.previous_secret_expires_at is not None
    assert client.get(f"/admin/webhooks/rotate/{endpoint.pk}/").status_code == 405


def test_an_unknown_partner_or_a_clinic_that_is_no_branch_is_refused(client, world, settings):
    settings.API_PARTNER_KEYS = {"acme": "k1"}
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        "/admin/webhooks/new/",
        {
            "partner": "nobody",
            "url": "https://partner.example/hooks",
            "clinics": [world.north.site.pk],
            "event_types": ["page.published"],
            "owner_email": "ops@acme.example",
        },
    )
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not WebhookEndpoint.objects.exists()


def test_replay_failed_since_takes_a_time_or_says_what_is_missing(client, hook):
    endpoint, delivery = hook
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    answer = client.post(
        f"/admin/webhooks/replay-failed/{endpoint.pk}/", {"since": "not a time"}, follow=True
    )
    assert "Give the time" in answer.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert parse_since("2026-12-01T08:00").isoformat() == "2026-12-01T08:00:00+00:00"
    assert parse_since("2026-12-01").isoformat() == "2026-12-01T00:00:00+00:00"
