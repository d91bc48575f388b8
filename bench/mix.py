"""The realistic mix: partners' GETs over a long tail of URLs while content changes.

What a live clinic group's API sees, compressed into a minute: partner sites request every
article's detail at every branch and listings with varied filters, orders, searches and offsets
(popular ones more often: a Zipf distribution over a fixed sample); readers' beacons arrive at a
steady rate; the read refresh runs at the production interval scaled down (every 5 s instead of
60); an editor publishes a library article every few seconds. Stock Wagtail gets the same shape of
URLs and the same publishes (it has no beacon or refresh to run). Each side is measured with one
wrk run of the same length and connections; the figures are throughput, latency percentiles and
the share of answers served from a cache.
"""

import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import serve, varnish

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).with_name("mix.lua")
WRK_ARGS = ["-t2", "-c16"]
SAMPLE = 20_000
SEARCH_WORDS = ["needle", "pain", "treatment", "muscle", "shoulder", "session", "medication"]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0"


@dataclass
class MixResult:
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    answers: int = 0
    hits: int = 0
    non_200: int = 0
    distinct_urls: int = 0
    background: dict = field(default_factory=dict)

    @property
    def hit_ratio(self) -> float:
        return self.hits / self.answers if self.answers else 0.0


def zipf_pick(rng: random.Random, items: list, s: float = 1.0) -> object:
    """An item, the first ones far more often than the tail (rank weights 1/k^s)."""
    weights = [1 / (k + 1) ** s for k in range(len(items))]
    return rng.choices(items, weights)[0]


def url_shapes(listing: str, detail_ids: list[int], slugs: list[str], orders: list[str]) -> list:
    """(weight, generator) pairs: what share of requests each kind of URL takes."""
    pages = max(1, len(detail_ids) // 20)
    offsets = [20 * k for k in range(pages)]
    return [
        (60, lambda rng: f"/api/v2/pages/{zipf_pick(rng, detail_ids, 0.8)}/"),
        (18, lambda rng: f"{listing}&limit=20&offset={zipf_pick(rng, offsets)}"),
        (
            10,
            lambda rng: (
                f"{listing}&limit=20&order={rng.choice(orders)}"
                f"&offset={zipf_pick(rng, offsets[:10])}"
            ),
        ),
        (7, lambda rng: f"{listing}&search={rng.choice(SEARCH_WORDS)}&limit=10"),
        (5, lambda rng: f"{listing}&slug={zipf_pick(rng, slugs)}"),
    ]


def sample(hosts_and_shapes: list[tuple[str, list]], path: Path, seed: int = 7) -> int:
    """Write SAMPLE "host<TAB>path" lines drawn from the shapes; returns the distinct URLs."""
    rng = random.Random(seed)
    lines = []
    for _ in range(SAMPLE):
        host, shapes = rng.choice(hosts_and_shapes)
        weights = [weight for weight, _ in shapes]
        make = rng.choices([maker for _, maker in shapes], weights)[0]
        lines.append(f"{host}\t{make(rng)}")
    path.write_text("\n".join(lines) + "\n")
    return len(set(lines))


def fetch_all(base: str, host: str, listing: str) -> list[dict]:
    """Every item of a listing, paged through as a partner would."""
    items, offset = [], 0
    while True:
        status, body = serve.request(f"{base}{listing}&limit=100&offset={offset}", host)
        if status != 200:
            raise RuntimeError(f"{listing} answered HTTP {status}: {body[:200]!r}")
        page = json.loads(body)["items"]
        items += page
        if len(page) < 100:
            return items
        offset += 100


def run_wrk(base: str, urls: Path, duration: str) -> MixResult:
    output = subprocess.run(
        ["wrk", *WRK_ARGS, f"-d{duration}", "--timeout", "10s", "-s", str(SCRIPT), base],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MIX_URLS": str(urls)},
    ).stdout
    figures = dict(re.findall(r"^mix ([a-z0-9/ ]+): ([\d.]+)", output, re.M))
    counts = re.search(r"mix answers: (\d+) hits: (\d+) non-200: (\d+)", output)
    return MixResult(
        requests_per_second=float(figures["requests/sec"]),
        p50_ms=float(figures["latency p50"]),
        p90_ms=float(figures["latency p90"]),
        p99_ms=float(figures["latency p99"]),
        answers=int(counts.group(1)),
        hits=int(counts.group(2)),
        non_200=int(counts.group(3)),
    )


class Beacons:
    """Readers' beacons at a steady rate, from a thread, until stopped."""

    def __init__(self, base: str, targets: list[tuple[str, int]], per_second: float):
        self.base, self.targets, self.interval = base, targets, 1 / per_second
        self.sent, self.failed, self._stop = 0, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        rng, due = random.Random(11), time.monotonic()
        while not self._stop.is_set():
            host, page_id = zipf_pick(rng, self.targets, 0.8)
            status, _ = serve.request(
                f"{self.base}/api/v2/pages/{page_id}/read/", host, "POST", user_agent=BROWSER
            )
            self.sent += 1
            self.failed += status != 204
            due += self.interval
            self._stop.wait(max(0.0, due - time.monotonic()))

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=10)


def start(args: list[str], env: dict, log: Path, cwd: Path = REPO) -> subprocess.Popen:
    return subprocess.Popen(
        args,
        cwd=cwd,
        env={**os.environ, **env},
        stdout=log.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def seconds(duration: str) -> int:
    return int(duration.rstrip("s"))


def ours_background(env: dict, work: Path, duration: str, refresh_every: float) -> list:
    """Celery worker and beat (the refresh every ``refresh_every`` s) and the publisher."""
    env = {**env, "READS_REFRESH_INTERVAL": str(refresh_every)}
    celery = [sys.executable, "-m", "celery", "-A", "cms"]
    return [
        start([*celery, "worker", "-l", "info", "-c", "1"], env, work / "worker.log"),
        start(
            [*celery, "beat", "-l", "warning", "-s", str(work / "beat-schedule")],
            env,
            work / "beat.log",
        ),
        start(
            [sys.executable, "manage.py", "bench_publish", "--every", "3", "--for", duration],
            env,
            work / "publish.log",
        ),
    ]


STOCK_PUBLISHER = """
import random, time
from home.models import ArticlePage
rng, pages, end, n = random.Random(5), list(ArticlePage.objects.values_list("id", flat=True)), \
    time.monotonic() + {seconds}, 0
while time.monotonic() < end:
    page = ArticlePage.objects.get(pk=rng.choice(pages))
    page.intro = page.intro + " "
    page.save_revision().publish()
    n += 1
    time.sleep(3)
print("published", n)
"""


def stock_publisher(venv: Path, root: Path, duration: str, log: Path) -> subprocess.Popen:
    code = STOCK_PUBLISHER.format(seconds=seconds(duration))
    return start(
        [str(venv / "bin" / "python"), "manage.py", "shell", "-c", code],
        {"DJANGO_SETTINGS_MODULE": "stock.settings.bench"},
        log,
        cwd=root,
    )


OURS_LISTING = "/api/v2/pages/?type=treatments.TreatmentPage&fields=summary,body,conditions"
STOCK_LISTING = "/api/v2/pages/?type=home.ArticlePage&fields=intro,body,conditions"


def ours_urls(base: str, branches: list[dict], path: Path) -> tuple[int, list[tuple[str, int]]]:
    """The URL sample for this project: every branch's articles; returns (distinct, targets)."""
    plan, targets = [], []
    for branch in branches:
        items = fetch_all(base, branch["hostname"], OURS_LISTING.split("&")[0] + "&fields=slug")
        ids, slugs = [item["id"] for item in items], [item["meta"]["slug"] for item in items]
        orders = ["-first_published_at", "title", "-read_count"]
        plan.append((branch["hostname"], url_shapes(OURS_LISTING, ids, slugs, orders)))
        targets += [(branch["hostname"], page_id) for page_id in ids]
    return sample(plan, path), targets


def stock_urls(base: str, path: Path) -> int:
    items = fetch_all(base, "127.0.0.1", STOCK_LISTING.split("&")[0] + "&fields=slug")
    ids, slugs = [item["id"] for item in items], [item["meta"]["slug"] for item in items]
    shapes = url_shapes(STOCK_LISTING, ids, slugs, ["-first_published_at", "title"])
    return sample([("127.0.0.1", shapes)], path)


def count_lines(log: Path, pattern: str) -> int:
    return len(re.findall(pattern, log.read_text(), re.M)) if log.exists() else 0


def published(log: Path) -> int:
    """What a publisher printed last: ``published N``."""
    found = re.findall(r"^published (\d+)$", log.read_text(), re.M) if log.exists() else []
    return int(found[-1]) if found else 0


def measure_ours(
    port: int, env: dict, branches: list[dict], work: Path, duration: str, front: str
) -> MixResult:
    """This project under the mix; ``front`` "origin" or "varnish" (Varnish in front)."""
    work = work / f"mix-{front}"
    work.mkdir()
    with serve.gunicorn(port, {**env, "API_SERVER_CACHE": "true"}):
        base = f"http://127.0.0.1:{port}"
        distinct, targets = ours_urls(base, branches, work / "urls.txt")
        background = ours_background(env, work, duration, refresh_every=5)
        try:
            with Beacons(base, targets, per_second=20) as beacons:
                if front == "varnish":
                    with varnish.serve(port + 50, port, work) as front_port:
                        front_url = f"http://127.0.0.1:{front_port}"
                        result = run_wrk(front_url, work / "urls.txt", duration)
                else:
                    result = run_wrk(base, work / "urls.txt", duration)
        finally:
            stop(background)
    result.distinct_urls = distinct
    result.background = {
        "beacons": beacons.sent,
        "beacons_failed": beacons.failed,
        "publishes": published(work / "publish.log"),
        "refreshes": count_lines(work / "worker.log", r"refresh_read_stats\[[^\]]+\] succeeded"),
    }
    return result


def measure_stock(venv: Path, root: Path, port: int, work: Path, duration: str) -> MixResult:
    work = work / "mix-stock"
    work.mkdir()
    gunicorn = start(
        [str(venv / "bin" / "gunicorn"), "stock.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        {"DJANGO_SETTINGS_MODULE": "stock.settings.bench"},
        work / "gunicorn.log",
        cwd=root,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        serve.wait_until_up(base + "/api/v2/pages/?limit=1", "127.0.0.1", gunicorn)
        distinct = stock_urls(base, work / "urls.txt")
        publisher = stock_publisher(venv, root, duration, work / "publish.log")
        try:
            result = run_wrk(base, work / "urls.txt", duration)
        finally:
            stop([publisher])
    finally:
        stop([gunicorn])
    result.distinct_urls = distinct
    result.background = {"publishes": published(work / "publish.log")}
    return result
