"""This project under gunicorn, as the anchor serves stock Wagtail: two sync workers."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
CONFIG = Path(__file__).with_name("gunicorn.conf.py")


def request(url: str, host: str, method: str = "GET", user_agent: str = "") -> tuple[int, bytes]:
    """One request with a branch's Host; an HTTP error is an answer, not an exception."""
    headers = {"Host": host, "Content-Length": "0"} if method == "POST" else {"Host": host}
    if user_agent:
        headers["User-Agent"] = user_agent
    req = urllib.request.Request(url, method=method, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(req, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def worker_rss_kib(master: int) -> list[int]:
    """Resident memory of the master's workers, as the anchor's bench.sh reads it."""
    output = subprocess.run(
        ["ps", "-o", "rss=", "--ppid", str(master)], capture_output=True, text=True
    ).stdout
    return [int(n) for n in output.split()]


def wait_until_up(url: str, host: str, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until ``url`` answers at all (any status), or the server process has died."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            request(url, host)
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"nothing answers {url}") from None
            time.sleep(0.2)


@contextmanager
def gunicorn(port: int, env: dict[str, str]):
    """Serve on 127.0.0.1:``port`` until the block ends; yields the master's pid."""
    process = subprocess.Popen(
        [
            str(GUNICORN),
            "cms.wsgi",
            "-c",
            str(CONFIG),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "bench.settings"},
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/api/v2/pages/?limit=1", "127.0.0.1", process)
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
