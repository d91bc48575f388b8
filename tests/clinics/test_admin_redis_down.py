"""The admin with Redis away: every role's screens answer, and publishing succeeds.

The cache and the read buffer point at a port nothing listens on (connections refused, as
after Redis stopped). Celery's broker is left as it is: what the admin queues (document
rendering, HTTP purges) is queued after the commit and never fails a change; the broker's own
restarts are in tests/treatments/reads/test_faults.py.
"""

import pytest
from wagtail.models import Page

from clinics import services
from cms.models import MissedInvalidation
from tests.clinics.helpers import formset
from tests.processes import free_port
from treatments.reads import buffer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_away(settings):
    dead = f"redis://127.0.0.1:{free_port()}"
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": f"{dead}/1"},
    }
    settings.READS_REDIS_URL = f"{dead}/3"
    buffer.redis_client.cache_clear()
    buffer.script.cache_clear()
    yield
    buffer.redis_client.cache_clear()
    buffer.script.cache_clear()


@pytest.mark.parametrize("who", ["north_editor", "north_moderator", "library_editor"])
def test_every_role_s_admin_screens_answer(world, logins, as_user, redis_away, who):
    client = as_user(getattr(logins, who))
    index = services.treatment_index(world.north)
    urls = ["/admin/", "/admin/pages/", f"/admin/pages/{index.pk}/", "/admin/reports/reads/"]
    if who != "library_editor":
        urls.append(f"/admin/pages/{world.north_own.pk}/edit/")
    statuses = {url: client.get(url, follow=True).status_code for url in urls}
    assert statuses == dict.fromkeys(urls, 200)


def test_an_admin_publishes_with_redis_away(world, admin_user, as_user, redis_away):
    client = as_user(admin_user)
    home = world.north.site.root_page.specific
    form = {
        "title": "North clinic",
        "slug": home.slug,
        "intro": "Open on Saturdays while the cache is down.",
        "hero_image": "",
        **formset("gallery_images"),
        **formset("comments"),
        "action-publish": "action-publish",
    }

    response = client.post(
        f"/admin/pages/{home.pk}/edit/", form, form_url=f"/admin/pages/{home.pk}/edit/"
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    live = Page.objects.get(pk=home.pk).specific
    assert live.intro == "Open on Saturdays while the cache is down."
    assert live.live_revision_id == live.latest_revision_id
    # What the cache missed is kept for when Redis is back (tests/cms/api/test_redis_down.py).
    assert MissedInvalidation.objects.exists()
