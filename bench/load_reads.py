"""Load test of the read counter: 100,000 reads from 16 clients while refreshes run and the
Celery worker is SIGKILLed twice; then stored totals must equal the accepted reads exactly.

Runs everything on loopback: gunicorn (bench.settings), a Celery worker and beat (refresh
every second), PostgreSQL and Redis from DATABASE_URL / REDIS_URL. The flood throttle is off
for the server (READS_THROTTLE_RATE=0: all clients share 127.0.0.1); the reload window stays
on and each request carries a distinct user agent, so every read is a new visitor's.
Afterwards wrk measures the read endpoint against a view returning fixed bytes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clinic_bench REDIS_URL=redis://127.0.0.1:6379 \\
        .venv/bin/python bench/load_reads.py [--reads 100000] [--clients 16]
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
os.environ["READS_THROTTLE_RATE"] = "0"
os.environ["READS_REFRESH_INTERVAL"] = "1"
DEADLINE = 900  # seconds: the whole run stops by itself


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_content(articles: int):
    """A library of articles offered at two branches: [(page id, host, original, site)]."""
    import django

    django.setup()
    from django.core.management import call_command
    from wagtail.models import Page, Site

    from clinics.models import ClinicHomePage
    from treatments import services
    from treatments.models import TreatmentIndexPage, TreatmentPage
    from treatments.reads import served

    call_command("migrate", verbosity=0, interactive=False)
    library = services.get_or_create_library()
    root = Page.get_first_root_node()
    targets = []
    for slug in ("bench-north", "bench-south"):
        home = ClinicHomePage.objects.filter(slug=slug).first()
        if home is None:
            home = root.add_child(instance=ClinicHomePage(title=slug, slug=slug))
            home.add_child(instance=TreatmentIndexPage(title="Treatments", slug="treatments"))
        index = TreatmentIndexPage.objects.child_of(home).get()
        site, _ = Site.objects.get_or_create(
            hostname=f"{slug}.bench", port=80, defaults={"root_page": home, "site_name": slug}
        )
        for n in range(articles):
            original = TreatmentPage.objects.child_of(library).filter(slug=f"bench-{n}").first()
            if original is None:
                original = library.add_child(
                    instance=TreatmentPage(title=f"Bench {n}", slug=f"bench-{n}")
                )
                original.save_revision().publish()
            alias = TreatmentPage.objects.child_of(index).filter(alias_of=original).first()
            alias = alias or original.create_alias(parent=index, update_slug=original.slug)
            targets.append((alias.id, site.hostname, original.id, site.id))
    served.rebuild_served_map()
    return targets


def stored_counts() -> tuple[Counter, Counter]:
    from django.db.models import Sum

    from treatments.models import DailyRead, ReadTotal

    daily = Counter(
        {
            (r["page_id"], r["site_id"]): r["n"]
            for r in DailyRead.objects.values("page_id", "site_id").annotate(n=Sum("count"))
        }
    )
    totals = Counter(dict(ReadTotal.objects.values_list("page_id", "count")))
    return daily, totals


class Processes:
    """gunicorn, Celery worker and beat, each in its own process group so a kill takes all."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.worker, self.others = port, workdir, None, []
        self.python = sys.executable

    def _start(self, args, name):
        log = open(self.workdir / f"{name}.log", "a")
        return subprocess.Popen(
            args, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def gunicorn(self) -> list[str]:
        """The web server as the load runs it: two threaded workers."""
        return [
            self.python,
            "-m",
            "gunicorn",
            "cms.wsgi",
            "-b",
            f"127.0.0.1:{self.port}",
            "-w",
            "2",
            "-k",
            "gthread",
            "--threads",
            "8",
            "--log-level",
            "warning",
        ]

    def start(self):
        gunicorn = self.gunicorn()
        beat = [
            self.python,
            "-m",
            "celery",
            "-A",
            "cms",
            "beat",
            "-l",
            "warning",
            "-s",
            str(self.workdir / "beat-schedule"),
        ]
        self.others = [self._start(gunicorn, "gunicorn"), self._start(beat, "beat")]
        self.start_worker()

    def start_worker(self):
        self.worker = self._start(
            [
                self.python,
                "-m",
                "celery",
                "-A",
                "cms",
                "worker",
                "-c",
                "1",
                "-l",
                "warning",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            "worker",
        )

    def kill_worker(self):
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait()

    def stop(self):
        for process in [*self.others, self.worker]:
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.others, self.worker]:
            if process:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/bench/fixed/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def client(number, port, targets, count, progress, results):
    """One client process: ``count`` POSTs on a keep-alive connection, distinct user agents."""
    rng = random.Random(number)
    accepted, statuses = Counter(), Counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for n in range(count):
        page_id, host, original, site = rng.choice(targets)
        headers = {
            "Host": host,
            "User-Agent": f"Mozilla/5.0 bench-{number}-{n}",
            "Content-Type": "text/plain",
        }
        try:
            conn.request("POST", f"/api/v2/pages/{page_id}/read/", body=b"read", headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            status = "error"
        statuses[status] += 1
        if status == 204:
            accepted[(original, site)] += 1
        with progress.get_lock():
            progress.value += 1
    results.put((accepted, statuses))


def run_clients(port, targets, total, clients, on_progress):
    """``clients`` processes (no shared GIL with each other) send ``total`` reads."""
    progress, results = multiprocessing.Value("i", 0), multiprocessing.Queue()
    share = total // clients
    workers = [
        multiprocessing.Process(target=client, args=(i, port, targets, share, progress, results))
        for i in range(clients)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    while any(w.is_alive() for w in workers) and progress.value < share * clients:
        on_progress(progress.value)
        time.sleep(0.05)
    accepted, statuses = Counter(), Counter()
    for _ in workers:
        a, s = results.get(timeout=DEADLINE)
        accepted.update(a)
        statuses.update(s)
    elapsed = time.monotonic() - started
    for worker in workers:
        worker.join()
    return accepted, statuses, elapsed


def wait_for_refresh_in_flight(reads, timeout=10.0) -> int:
    """Wait (briefly) until a refresh has taken a batch and not yet cleaned it up, so the kill
    lands mid-refresh; returns the batches in flight at the kill (0 if none came in time)."""
    deadline = time.monotonic() + timeout
    client = reads.redis_client()
    while time.monotonic() < deadline:
        in_flight = client.scard(reads.PENDING)
        if in_flight:
            return in_flight
        time.sleep(0.001)
    return 0


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = "read"
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Host"] = "{host}"
local n = 0
request = function()
  n = n + 1
  wrk.headers["User-Agent"] = "Mozilla/5.0 wrk-" .. n .. "-" .. math.random(1e9)
  return wrk.format(nil, "{path}")
end
"""


def wrk(port, path, workdir, host=None, seconds=10) -> float:
    """Requests per second over ``seconds``, 16 connections; fails on any non-2xx answer."""
    args = ["wrk", "-t2", "-c16", f"-d{seconds}s"]
    if host:
        script = workdir / "read.lua"
        script.write_text(WRK_SCRIPT.replace("{host}", host).replace("{path}", path))
        args += ["-s", str(script)]
    out = subprocess.run(
        [*args, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, timeout=60
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", out.stdout)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    if not match or non2xx:
        raise SystemExit(f"wrk failed: {out.stdout}{out.stderr}")
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--articles", type=int, default=20)
    args = parser.parse_args()
    watchdog = threading.Timer(DEADLINE, lambda: os._exit(3))
    watchdog.daemon = True
    watchdog.start()

    targets = setup_content(args.articles)
    from treatments.reads import buffer as reads
    from treatments.reads import refresh

    reads.redis_client().flushdb()
    before_daily, before_totals = stored_counts()
    port = free_port()
    workdir = Path(tempfile.mkdtemp(prefix="bench-reads-"))
    procs = Processes(port, workdir)
    procs.start()
    kills = []
    try:
        wait_until_up(port)
        marks = [args.reads // 3, 2 * args.reads // 3]

        def on_progress(done):
            if marks and done >= marks[0]:
                marks.pop(0)
                in_flight = wait_for_refresh_in_flight(reads)
                procs.kill_worker()
                kills.append({"after_reads": done, "batches_in_flight": in_flight})
                procs.start_worker()

        accepted, statuses, elapsed = run_clients(
            port, targets, args.reads, args.clients, on_progress
        )
        time.sleep(3)  # let beat's refreshes run on the restarted worker
        procs.stop()
        refresh.refresh_read_stats()  # whatever the last refresh left, as an operator would
        after_daily, after_totals = stored_counts()
        stored_daily = after_daily - before_daily
        stored_totals = after_totals - before_totals
        accepted_totals = Counter()
        for (original, _), n in accepted.items():
            accepted_totals[original] += n
        exact = stored_daily == accepted and stored_totals == accepted_totals
        pending = reads.pending_batches()

        procs = Processes(port, workdir)
        procs.others = [procs._start(procs.gunicorn(), "gunicorn-wrk")]
        wait_until_up(port)
        host, path = targets[0][1], f"/api/v2/pages/{targets[0][0]}/read/"
        wrk(port, "/bench/fixed/", workdir, seconds=3)  # warm both gunicorn workers
        # Alternate and keep the best of three: the machine is shared, so single runs are noisy.
        runs = [
            (wrk(port, "/bench/fixed/", workdir), wrk(port, path, workdir, host=host))
            for _ in range(3)
        ]
        floor = max(f for f, _ in runs)
        read_rps = max(r for _, r in runs)
    finally:
        procs.stop()
    result = {
        "reads_sent": args.reads,
        "clients": args.clients,
        "statuses": {str(k): v for k, v in statuses.items()},
        "accepted_reads": sum(accepted.values()),
        "stored_reads_daily": sum(stored_daily.values()),
        "stored_reads_totals": sum(stored_totals.values()),
        "exact": exact,
        "pending_batches_left": len(pending),
        "worker_kills": kills,
        "load_seconds": round(elapsed, 1),
        "load_reads_per_second": round(args.reads / elapsed),
        "wrk_fixed_bytes_rps": floor,
        "wrk_read_endpoint_rps": read_rps,
        "read_to_floor_ratio": round(read_rps / floor, 2),
    }
    print(json.dumps(result, indent=2))
    sys.exit(0 if exact and not pending and len(kills) == 2 else 1)


if __name__ == "__main__":
    main()
