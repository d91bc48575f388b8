"""The read beacon (POST /api/v2/pages/<id>/read/) and the read history endpoint."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from wagtail.models import PageViewRestriction

from tests.factories import TreatmentPageFactory
from tests.treatments.reads.helpers import BROWSER_UA, beacon
from treatments.models import DailyRead, ReadTotal
from treatments.reads import buffer, served

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("read_buffer")]


@pytest.fixture
def world(served_world):
    """The beacon sees the branches as their commit would leave them: the map built."""
    return served_world


def buffered() -> dict[str, int]:
    return {k: int(v) for k, v in buffer.redis_client().hgetall(buffer.LIVE).items()}


def key(original, site) -> str:
    return f"{original.id}:{site.id}:{timezone.localdate().isoformat()}"


@pytest.mark.parametrize("articles", [1, 25])
def test_a_read_costs_no_sql(client, library, north, offer, articles, django_assert_num_queries):
    """Counting a read is Redis only, however many articles the branches serve."""
    aliases = [offer(TreatmentPageFactory(parent=library), north.index) for _ in range(articles)]
    served.rebuild_served_map()

    with django_assert_num_queries(0):
        response = beacon(client, aliases[-1].id, north.site)

    assert response.status_code == 204
    assert response.content == b""
    assert buffered() == {key(aliases[-1].alias_of, north.site): 1}


def test_reads_of_a_library_article_count_for_the_original_and_the_branch(client, world):
    assert beacon(client, world.north_alias.id, world.north.site).status_code == 204
    assert beacon(client, world.south_alias.id, world.south.site).status_code == 204
    assert beacon(client, world.north_own.id, world.north.site).status_code == 204

    assert buffered() == {
        key(world.article, world.north.site): 1,
        key(world.article, world.south.site): 1,
        key(world.north_own, world.north.site): 1,
    }


@pytest.mark.parametrize("case", ["unknown", "other-branch", "library-original", "unpublished"])
def test_ids_a_branch_does_not_serve_are_not_found(
    client, world, case, django_capture_on_commit_callbacks
):
    page_id = {
        "unknown": 999_999_999,
        "other-branch": world.south_alias.id,
        "library-original": world.article.id,
        "unpublished": world.north_own.id,
    }[case]
    if case == "unpublished":
        with django_capture_on_commit_callbacks(execute=True):
            world.north_own.unpublish()

    response = beacon(client, page_id, world.north.site)

    assert response.status_code == 404
    assert "No published article" in response.json()["message"]
    assert buffered() == {}


def test_pages_in_a_private_section_are_not_counted(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=world.north_own, restriction_type="login")

    assert beacon(client, world.north_own.id, world.north.site).status_code == 404


def test_a_newly_offered_article_is_counted_once_the_change_commits(
    client, world, offer, django_capture_on_commit_callbacks
):
    article = TreatmentPageFactory(parent=world.library)
    north_index = world.north_alias.get_parent()
    with django_capture_on_commit_callbacks(execute=True):
        alias = offer(article, north_index)

    assert beacon(client, alias.id, world.north.site).status_code == 204


def test_deleted_and_moved_articles_follow_the_tree(
    client, world, make_branch, django_capture_on_commit_callbacks
):
    """After a delete or a move commits, the map knows: gone is 404, moved counts elsewhere."""
    east = make_branch("east")
    with django_capture_on_commit_callbacks(execute=True):
        world.north_own.move(east.index, pos="last-child")
    with django_capture_on_commit_callbacks(execute=True):
        world.south_alias.delete()

    assert beacon(client, world.north_own.id, world.north.site).status_code == 404
    assert beacon(client, world.north_own.id, east.site).status_code == 204
    assert beacon(client, world.south_alias.id, world.south.site).status_code == 404


def test_clinic_parameter_chooses_the_branch(client, world):
    """?clinic= (slug or hostname) picks the branch whatever host the beacon reached."""
    path = f"/api/v2/pages/{world.south_alias.id}/read/"
    for clinic in ("south", "south.example.org"):
        response = client.post(
            f"{path}?clinic={clinic}",
            HTTP_HOST="api.example.org",
            HTTP_USER_AGENT=f"{BROWSER_UA} {clinic}",
        )
        assert response.status_code == 204
    assert client.post(f"{path}?clinic=north", HTTP_USER_AGENT=BROWSER_UA).status_code == 404
    assert buffered() == {key(world.article, world.south.site): 2}


def test_wrong_method_is_405(client, world):
    response = client.get(
        f"/api/v2/pages/{world.north_alias.id}/read/", HTTP_HOST="north.example.org"
    )

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert buffered() == {}


@pytest.mark.parametrize(
    "ua",
    ["Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5.0", "python-requests/2.32", ""],
)
def test_crawlers_are_answered_but_not_counted(client, world, ua):
    response = beacon(client, world.north_alias.id, world.north.site, ua=ua)

    assert response.status_code == 204
    assert buffered() == {}


def test_a_reload_within_the_window_counts_once(client, world):
    for _ in range(3):
        assert beacon(client, world.north_alias.id, world.north.site).status_code == 204
    beacon(client, world.north_alias.id, world.north.site, ip="198.51.100.2")  # another visitor
    beacon(client, world.north_own.id, world.north.site)  # another article

    assert buffered() == {
        key(world.article, world.north.site): 2,
        key(world.north_own, world.north.site): 1,
    }
    seen = list(buffer.redis_client().scan_iter("reads:seen:*"))
    assert len(seen) == 3
    assert 0 < buffer.redis_client().ttl(seen[0]) <= 30 * 60


@override_settings(READS_DEDUP_WINDOW=0)
def test_a_zero_window_counts_every_beacon(client, world):
    for _ in range(3):
        beacon(client, world.north_alias.id, world.north.site)

    assert buffered() == {key(world.article, world.north.site): 3}


def test_no_address_is_stored(client, world):
    """Visitors are known by salted hashes only: no key or value holds the address."""
    beacon(client, world.north_alias.id, world.north.site, ip="203.0.113.77")
    r = buffer.redis_client()

    dump = []
    for name in r.scan_iter("*"):
        kind = r.type(name)
        value = {"hash": r.hgetall, "string": r.get, "set": r.smembers}[kind](name)
        dump.append(f"{name}={value}")
    assert dump
    assert not any("203.0.113.77" in entry or BROWSER_UA in entry for entry in dump)


@override_settings(READS_THROTTLE_RATE=5)
def test_a_flood_from_one_client_is_throttled(client, world):
    statuses = [
        beacon(client, world.north_alias.id, world.north.site, ua=f"{BROWSER_UA} {n}").status_code
        for n in range(7)
    ]

    assert statuses == [204] * 5 + [429] * 2
    assert buffered() == {key(world.article, world.north.site): 5}
    # Another client is not affected.
    assert (
        beacon(client, world.north_alias.id, world.north.site, ip="198.51.100.9").status_code == 204
    )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_forwarded_address_is_the_client(client, world):
    for ip in ("198.51.100.1", "198.51.100.2"):
        beacon(
            client,
            world.north_alias.id,
            world.north.site,
            ip="10.0.0.1",
            HTTP_X_FORWARDED_FOR=ip,
        )

    assert buffered() == {key(world.article, world.north.site): 2}


def test_redis_down_refuses_the_read_with_retry_after_and_content_is_still_served(
    client, world, settings
):
    settings.READS_REDIS_URL = "redis://127.0.0.1:1/0"
    buffer.redis_client.cache_clear()
    buffer.script.cache_clear()
    try:
        response = beacon(client, world.north_alias.id, world.north.site)
        listing = client.get(
            "/api/v2/pages/?type=treatments.TreatmentPage", HTTP_HOST="north.example.org"
        )
    finally:
        buffer.redis_client.cache_clear()
        buffer.script.cache_clear()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert listing.status_code == 200
    assert {item["id"] for item in listing.json()["items"]} == {
        world.north_alias.id,
        world.north_own.id,
    }


def test_a_lost_map_is_rebuilt_from_the_database(client, world):
    buffer.redis_client().delete(buffer.MAP)

    assert beacon(client, world.north_alias.id, world.north.site).status_code == 204
    assert buffered() == {key(world.article, world.north.site): 1}


@override_settings(CORS_ALLOWED_ORIGINS=["https://partner.example.com"])
def test_partner_pages_may_send_beacons(client, world):
    """sendBeacon posts text/plain cross-origin; preflights and answers carry CORS headers."""
    path = f"/api/v2/pages/{world.north_alias.id}/read/"
    origin = {"HTTP_ORIGIN": "https://partner.example.com", "HTTP_HOST": "north.example.org"}

    preflight = client.options(path, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin)
    response = beacon(
        client,
        world.north_alias.id,
        world.north.site,
        **{"HTTP_ORIGIN": origin["HTTP_ORIGIN"]},
    )

    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Origin"] == "https://partner.example.com"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://partner.example.com"


# History endpoint


def history_url(page, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v2/pages/{page.id}/reads/?{query}"


def add_daily(page, site, days_ago, count):
    DailyRead.objects.create(
        page=page, site=site, date=timezone.localdate() - timedelta(days_ago), count=count
    )


def test_history_lists_each_day_for_the_article(client, world, settings):
    """Group-wide for anyone; one branch's days and total for its partner, same numbers."""
    settings.API_PARTNER_KEYS = {"acme": "acme-key"}
    settings.API_PARTNER_CLINICS = {"acme": ["north"]}
    add_daily(world.article, world.north.site, 0, 4)
    add_daily(world.article, world.south.site, 0, 1)
    add_daily(world.article, world.north.site, 2, 3)
    add_daily(world.article, world.north.site, 9, 50)  # outside the period
    ReadTotal.objects.create(page=world.article, count=1258, refreshed_at=timezone.now())
    today = timezone.localdate()

    data = client.get(history_url(world.south_alias, days=3)).json()
    per_clinic = client.get(
        history_url(world.north_alias, days=3, clinic="north"), HTTP_X_API_KEY="acme-key"
    ).json()

    assert data["id"] == world.south_alias.id  # the id asked about
    assert data["read_count"] == 1258
    assert data["read_count_refreshed_at"]
    assert data["clinic"] is None
    assert data["days"] == [
        {"date": (today - timedelta(2)).isoformat(), "reads": 3},
        {"date": (today - timedelta(1)).isoformat(), "reads": 0},
        {"date": today.isoformat(), "reads": 5},
    ]
    assert per_clinic["id"] == world.north_alias.id
    assert [d["reads"] for d in per_clinic["days"]] == [3, 0, 4]
    assert per_clinic["read_count"] == 57  # north's own reads, every day: 4 + 3 + 50
    assert per_clinic["clinic"] == "north"


def test_branch_history_is_for_its_partners_and_staff(client, world, logins, settings):
    settings.API_PARTNER_KEYS = {"acme": "acme-key", "beta": "beta-key"}
    settings.API_PARTNER_CLINICS = {"acme": ["north"]}
    url = history_url(world.north_alias, clinic="north")

    anonymous = client.get(url)
    other_partner = client.get(url, HTTP_X_API_KEY="beta-key")
    partner = client.get(url, HTTP_X_API_KEY="acme-key")
    client.force_login(logins.south_editor)
    other_staff = client.get(url)
    client.force_login(logins.north_moderator)
    staff = client.get(url)
    client.force_login(logins.library_editor)
    library_staff = client.get(url)

    message = {"message": "A branch's reads are for its partners (X-API-Key) and its staff."}
    assert (anonymous.status_code, anonymous.json()) == (403, message)
    assert (other_partner.status_code, other_staff.status_code) == (403, 403)
    assert [r.status_code for r in (partner, staff, library_staff)] == [200, 200, 200]


def test_history_is_rate_limited(client, world, settings):
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "partner": "none"}
    cache.clear()

    statuses = [client.get(history_url(world.north_alias)).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    cache.clear()


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"days": "0"}, 400, "days must be a whole number from 1 to 366"),
        ({"days": "x"}, 400, "days must be a whole number from 1 to 366"),
        ({"days": "400"}, 400, "days must be a whole number from 1 to 366"),
        ({"clinic": "nowhere"}, 404, "unknown clinic: 'nowhere'"),
        ({"clinic": "%00"}, 400, "null characters are not allowed in 'clinic'"),
    ],
)
def test_history_rejects_bad_parameters(client, world, params, status, message):
    response = client.get(history_url(world.north_own, **params))

    assert response.status_code == status
    assert response.json() == {"message": message}


def test_history_of_an_unknown_article_is_404(client, world):
    response = client.get("/api/v2/pages/999999/reads/")
    assert response.status_code == 404
    assert response.json() == {"message": "No published article with this id."}


# private sections, article, clinic, daily rows (aggregated), total, the branch's total
HISTORY_QUERIES = 6


@pytest.mark.parametrize("days_with_reads", [1, 60])
def test_history_query_count_is_flat(
    client, world, settings, days_with_reads, django_assert_num_queries
):
    for n in range(days_with_reads):
        add_daily(world.article, world.north.site, n, 1)

    settings.API_PARTNER_KEYS = {"acme": "acme-key"}
    settings.API_PARTNER_CLINICS = {"acme": ["north"]}
    url = history_url(world.north_alias, days=365, clinic="north")

    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(url, HTTP_X_API_KEY="acme-key")

    assert sum(d["reads"] for d in response.json()["days"]) == days_with_reads
