import socket

import pytest
from django.test import override_settings


def closed_port() -> int:
    """A localhost port nothing listens on: bound, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_liveness_answers_without_touching_the_database(client):
    """Liveness makes no query (pytest-django blocks the database here, so one would raise)."""
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_reports_each_dependency(client, django_assert_num_queries):
    """Readiness runs one database query and reports database, Redis and storage as ok."""
    with django_assert_num_queries(1):
        response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }


@pytest.mark.django_db
def test_readiness_names_a_failing_redis_as_degraded(client, settings):
    """With the cache pointed at a closed port the site still serves: 200, Redis named."""
    cache = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}
    with override_settings(CACHES={"default": cache}):
        response = client.get("/health/ready/")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "redis": "error", "storage": "ok"},
        "degraded": {
            "redis": "answers are built from the database; reads are not counted (503 to beacons)"
        },
    }


@pytest.mark.django_db
def test_liveness_still_answers_when_redis_is_down(client, settings):
    cache = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}
    with override_settings(CACHES={"default": cache}):
        response = client.get("/health/live/")

    assert response.status_code == 200


def test_readiness_refuses_other_methods(client):
    assert client.post("/health/ready/").status_code == 405
