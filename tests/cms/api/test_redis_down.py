"""Redis stopped under a running site: the API answers from the database, JSON only.

A real redis-server of the test's own on a free port is the cache; the test stops it (the
process ends, connections are refused), asks every endpoint, and starts it again.
"""

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from cms.api.tasks import replay_missed_invalidations
from cms.models import MissedInvalidation
from tests.factories import TreatmentPageFactory

PAGES = "/api/v2/pages/"
ARTICLES = PAGES + "?clinic=north&type=treatments.TreatmentPage&fields=title"

pytestmark = pytest.mark.django_db


def redis_server_binary() -> str:
    beside_python = Path(sys.executable).with_name("redis-server")
    return str(beside_python) if beside_python.exists() else shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """One redis-server process that the test stops and starts on the same port."""

    def __init__(self, directory: Path, persist: bool = False):
        self.port = free_port()
        self.directory = directory
        self.persist = persist
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                redis_server_binary(),
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--dir", str(self.directory)),
                *("--appendonly", "yes" if self.persist else "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path, settings):
    yield from running_cache(RedisServer(tmp_path), settings)


@pytest.fixture
def persistent_redis(tmp_path, settings):
    """A Redis that keeps its data across a restart, as production's does (appendonly)."""
    yield from running_cache(RedisServer(tmp_path, persist=True), settings)


def running_cache(server, settings):
    server.start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
        }
    }
    yield server
    if server.process.poll() is None:
        server.stop()


def test_with_redis_stopped_the_api_answers_from_the_database(client, world, own_redis, settings):
    settings.API_THROTTLE_RATES = {"anon": "1000/minute", "partner": "none"}
    stored = client.get(ARTICLES)
    assert stored.status_code == 200
    assert cache.keys("api:answer:*")  # the listing is stored before Redis stops

    own_redis.stop()
    world.article.title = "Dry needling, changed during the outage"
    world.article.save_revision().publish()  # publishing works with the cache down

    listing = client.get(ARTICLES)
    assert listing.status_code == 200
    assert [item["title"] for item in listing.json()["items"]] == [
        "Dry needling, changed during the outage",
        "Cupping",
    ]
    answers = {
        "detail": client.get(f"{PAGES}{world.north_alias.pk}/?clinic=north"),
        "clinics": client.get("/api/v2/clinics/"),
        "clinic": client.get("/api/v2/clinics/north/"),
        "images": client.get("/api/v2/images/?clinic=north"),
        "documents": client.get("/api/v2/documents/"),
        "history": client.get(f"{PAGES}{world.north_alias.pk}/reads/"),
        "schema": client.get("/api/schema/"),
    }
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 200)
    assert answers["detail"].json()["title"] == "Dry needling, changed during the outage"
    found = client.get(f"{PAGES}find/?clinic=north&id={world.north_alias.pk}")
    assert found.status_code == 302
    for url, status in [
        (PAGES + "?clinic=nowhere", 404),
        (PAGES + "?clinic=north&limit=x", 400),
        (f"{PAGES}999999/?clinic=north", 404),
        ("/api/v2/nothing/", 404),
    ]:
        response = client.get(url)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert set(response.json()) == {"message"}
    ready = client.get("/health/ready/")
    assert (ready.status_code, ready.json()["status"]) == (200, "degraded")

    # Rates still hold, counted by this process alone while the shared counter is away.
    # A day's window: a slow run never crosses into a new window between the requests.
    settings.API_THROTTLE_RATES = {"anon": "3/day", "partner": "none"}
    statuses = [client.get(ARTICLES, REMOTE_ADDR="10.9.9.9").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert (
        client.get(ARTICLES, REMOTE_ADDR="10.9.9.9")
        .json()["message"]
        .startswith("Request was throttled.")
    )

    own_redis.start()
    settings.API_THROTTLE_RATES = {"anon": "1000/minute", "partner": "none"}
    back = client.get(ARTICLES)
    assert back.status_code == 200
    assert back.json()["items"][0]["title"] == "Dry needling, changed during the outage"
    assert cache.keys("api:answer:*")  # stored again
    assert client.get("/health/ready/").json()["status"] == "ok"


def test_an_unexpected_error_under_api_is_json(client, north, monkeypatch):
    """Even a bug's 500 answers JSON under /api/, as every other API answer."""
    from cms.api import pages

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages.ClinicPagesAPIViewSet, "build_listing", broken)
    client.raise_request_exception = False
    TreatmentPageFactory(parent=north.index)
    cache.clear()

    response = client.get(PAGES + "?clinic=north")

    assert response.status_code == 500
    assert response.json() == {"message": "Internal server error."}


def test_a_redis_back_with_its_data_serves_nothing_a_change_made_meanwhile_outdated(
    client, world, persistent_redis, settings
):
    settings.API_THROTTLE_RATES = {"anon": "1000/minute", "partner": "none"}
    assert client.get(ARTICLES)["X-Answer-Cache"] == "MISS"
    assert client.get(ARTICLES)["X-Answer-Cache"] == "HIT"

    persistent_redis.stop()
    world.article.title = "Dry needling, changed during the outage"
    world.article.save_revision().publish()
    assert MissedInvalidation.objects.exists()
    assert replay_missed_invalidations() == 0  # Redis still away: the tags are kept
    assert MissedInvalidation.objects.exists()

    persistent_redis.start()  # with the answer stored before the outage
    stale = client.get(ARTICLES)
    assert stale["X-Answer-Cache"] == "HIT"
    assert stale.json()["items"][0]["title"] == "Dry needling"  # what the replay is for

    assert replay_missed_invalidations() > 0  # the beat task, once Redis is back
    assert not MissedInvalidation.objects.exists()
    fresh = client.get(ARTICLES)
    assert fresh["X-Answer-Cache"] == "MISS"
    assert fresh.json()["items"][0]["title"] == "Dry needling, changed during the outage"
    assert client.get(ARTICLES)["X-Answer-Cache"] == "HIT"


def test_the_replay_runs_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["replay-missed-invalidations"]
    assert entry["task"] == replay_missed_invalidations.name
    assert 0 < entry["schedule"] <= 60
