"""Fixtures of the webhook tests (API and browser): a loopback receiver and a Celery worker
that retries deliveries quickly."""

import pytest

from tests.processes import Receiver, start_celery_worker, stop


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def worker(tmp_path, settings):
    settings.API_SERVER_CACHE = False
    process = start_celery_worker(
        tmp_path,
        WEBHOOK_RETRY_BACKOFF="0.2",
        WEBHOOK_RETRY_BACKOFF_MAX="1",
        WEBHOOK_MAX_RETRIES="2",
        API_DOCUMENTS_PRERENDER="false",
    )
    yield process
    stop(process)
