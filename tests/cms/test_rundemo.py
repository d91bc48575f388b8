"""README command 1, past its install step: the whole system runs on the embedded default."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from celery import Celery

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 120) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_rundemo_serves_the_admin_with_the_seed_article(tmp_path):
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        EMBEDDED_REDIS_SOCKET=str(tmp_path / "redis" / "redis.sock"),
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DEMO_ADMIN_PASSWORD="demo-pass-123",
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "rundemo", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        login = wait_for(f"http://127.0.0.1:{port}/admin/login/")
        assert b"username" in login
        broker = f"redis+socket://{tmp_path / 'redis' / 'redis.sock'}?virtual_host=2"
        replies, deadline = [], time.monotonic() + 60
        while not replies and time.monotonic() < deadline:
            replies = Celery(broker=broker).control.ping(timeout=1.0)
        assert replies, "the Celery worker did not answer over the embedded Redis"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=60)

    assert f"Admin: http://127.0.0.1:{port}/admin/" in output
    assert "Admin login: admin / demo-pass-123" in output
    assert "Seed article imported: Intramuscular Stimulation, Dry Needle Therapy" in output
    assert "celery beat v" in output
