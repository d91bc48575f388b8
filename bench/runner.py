"""``bench/run``: stock Wagtail and this project, same data, same server, one wrk run each.

Phases: build and fill the stock project (the shared anchor scripts), fill this project, serve it
with the API cache on and then off, count SQL queries per request, measure a read refresh, then
print the ratios and write them into docs/performance.md. Every figure that matters is a ratio
between measurements of the same run; the absolute numbers move with the machine's load.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import database, mix, render, report, serve, stock, varnish, wrk

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "performance.md"
LISTING = "/api/v2/pages/?type=treatments.TreatmentPage&fields=summary,body,conditions&limit={}"
MODES = {
    "full": {"articles": 1000, "duration": "10s", "refresh": (100, 10_000), "mix": "60s"},
    "smoke": {"articles": 12, "duration": "1s", "refresh": (3, 12), "mix": "3s"},
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--smoke", action="store_true", help="tiny data, 1 s per URL: checks the bench runs"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where to write the report "
        "(default docs/performance.md; with --smoke, a file in the work folder)",
    )
    parser.add_argument("--articles", type=int, help="articles in each project")
    parser.add_argument("--duration", help="wrk duration per URL, e.g. 10s")
    parser.add_argument(
        "--stock-venv",
        type=Path,
        help="reuse a virtualenv with wagtail, gunicorn and "
        "psycopg at this project's pins (default: a new one)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--skip-stock",
        action="store_true",
        help="measure this project only; stock rows are marked skipped (--smoke does this)",
    )
    return parser.parse_args(argv)


def manage(*args: str, env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        check=True,
        text=True,
        capture_output=True,
        env={**os.environ, **env},
    ).stdout


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    """A private Redis on a unix socket: nothing to collide with, nothing else's data flushed."""
    sock = work / "redis.sock"
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        if sock.exists():
            break
        time.sleep(0.05)
    return process, f"unix://{sock}"


def build_stock(venv: Path | None, work: Path, root: Path, database: str, articles: int) -> Path:
    """The stock project built and filled; returns the virtualenv it runs in."""
    if venv is None:
        log("stock: creating its virtualenv")
        venv = stock.create_venv(work / "stock-venv")
    log(f"stock: building and filling {articles} articles")
    stock.setup(venv, root, database, articles)
    return venv


def measure_ours(port: int, env: dict, branch: dict, duration: str, r: dict, warm: bool) -> None:
    """Serve this project and run wrk on each request; the warm server also serves the floor."""
    mode = "warm" if warm else "off"
    results: dict[str, object] = {}
    base, host = f"http://127.0.0.1:{port}", branch["hostname"]
    with serve.gunicorn(port, {**env, "API_SERVER_CACHE": "true" if warm else "false"}) as master:
        status, body = serve.request(base + LISTING.format(20), host)
        if status != 200:
            raise RuntimeError(f"listing answered HTTP {status}: {body[:200]!r}")
        if warm:
            Path(env["BENCH_FLOOR_FILE"]).write_bytes(body)
            r["bytes"]["floor"] = len(body)
        detail_id = json.loads(body)["items"][5]["id"]
        r["detail_id"] = detail_id
        urls = {
            "listing 20": (LISTING.format(20), "GET"),
            "listing 100": (LISTING.format(100), "GET"),
            "detail": (f"/api/v2/pages/{detail_id}/", "GET"),
            "clinic listing 20": (LISTING.format(20) + f"&clinic={branch['slug']}", "GET"),
        }
        if warm:
            urls["read"] = (f"/api/v2/pages/{detail_id}/read/", "POST")
        for name, (path, method) in urls.items():
            status, body = serve.request(base + path, host, method)
            if name == "clinic listing 20" and status == 400:
                results[name] = "not available yet (HTTP 400: no ?clinic= filter)"
            elif name == "read" and status in (403, 404, 405):
                # Without the endpoint the path falls through to page serving, whose CSRF check
                # refuses a POST (403), or to no page (404).
                results[name] = f"not available yet (HTTP {status})"
            elif status >= 300:
                results[name] = f"HTTP {status}"
            else:
                if method == "GET":
                    r["bytes"][name] = len(body)
                log(f"ours ({mode}): {name}")
                results[name] = wrk.run(base + path, duration, host=host, post=method == "POST")
        if warm:
            log("ours: floor")
            r["floor"] = wrk.run(base + "/bench/floor/", duration, host=host)
        r["rss"][mode] = serve.worker_rss_kib(master)
    r[mode] = results


def count_queries(env: dict, branch: dict, r: dict) -> None:
    requests = [
        ["listing 20", "GET", LISTING.format(20)],
        ["listing 100", "GET", LISTING.format(100)],
        ["detail", "GET", f"/api/v2/pages/{r['detail_id']}/"],
        ["clinic listing 20", "GET", LISTING.format(20) + f"&clinic={branch['slug']}"],
        ["read", "POST", f"/api/v2/pages/{r['detail_id']}/read/"],
    ]
    for mode, enabled in (("warm", "true"), ("off", "false")):
        output = manage(
            "bench_queries",
            "--host",
            branch["hostname"],
            "--requests",
            json.dumps(requests),
            env={**env, "API_SERVER_CACHE": enabled},
        )
        r["queries"][mode] = json.loads(output)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return run(args)
    except subprocess.CalledProcessError as error:
        detail = (error.stderr or error.stdout or "").strip().splitlines()[-15:]
        command = " ".join(str(part) for part in error.cmd)
        print("\n".join(detail), file=sys.stderr)
        print(f"bench/run: failed (exit {error.returncode}): {command[:300]}", file=sys.stderr)
        return 1


def measure_mix(port, env, branches, work, duration, r, venv, root, skip_stock) -> None:
    """The realistic mix at our origin, behind Varnish (when installed) and at stock."""
    r["mix"] = {}
    log(f"ours: realistic mix for {duration} at the origin")
    r["mix"]["origin"] = mix.measure_ours(port + 3, env, branches, work, duration, "origin")
    if varnish.available():
        log(f"ours: realistic mix for {duration} behind Varnish")
        r["mix"]["varnish"] = mix.measure_ours(port + 4, env, branches, work, duration, "varnish")
    else:
        r["mix"]["varnish_note"] = "varnishd not installed (apt-get install varnish)"
    if skip_stock:
        r["mix"]["stock_note"] = r["stock"].skipped
    else:
        log(f"stock: realistic mix for {duration}")
        r["mix"]["stock"] = mix.measure_stock(venv, root, port + 5, work, duration)


def run(args: argparse.Namespace) -> int:
    mode = "smoke" if args.smoke else "full"
    config = MODES[mode]
    articles, duration = args.articles or config["articles"], args.duration or config["duration"]
    if shutil.which("wrk") is None:
        print(
            "bench/run: wrk is missing; install Debian's package: apt-get install wrk",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    output = args.output or (work / "performance.md" if args.smoke else DOC)
    port = int(os.environ.get("BENCH_PORT", "8071"))
    database_url = os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_bench"
    )
    stock_db = os.environ.get("BENCH_STOCK_DB", "stock_anchor_bench")
    redis, redis_url = start_redis(work)
    r: dict = {
        "mix_duration": config["mix"],
        "articles": articles,
        "duration": duration,
        "bytes": {},
        "rss": {},
        "queries": {},
        "machine": render.machine(),
    }
    try:
        r["postgres"], migrated = database.recreate_database(database_url)
        skip_stock = args.smoke or args.skip_stock
        venv = args.stock_venv
        env = {
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "BENCH_FLOOR_FILE": str(work / "floor.json"),
            "DJANGO_STATIC_ROOT": str(work / "static"),
        }
        (work / "static").mkdir()
        root = work / "stock"
        # Building both is mostly migrations, one core each; measuring starts once both are done.
        with ThreadPoolExecutor(max_workers=1) as pool:
            if not skip_stock:
                stock_built = pool.submit(build_stock, venv, work, root, stock_db, articles)
            if not migrated:
                log("ours: migrating (saved as a template for the next run)")
                manage("migrate", "-v0", env=env)
                database.save_template(database_url)
            log(f"ours: filling {articles} articles, two branches")
            filled = json.loads(manage("bench_fill", str(articles), env=env))
            # As a deployment has them: rendered by workers at each publish, or by this command.
            log("ours: rendering delivery documents")
            manage("rebuild_delivery_documents", env=env)
            if not skip_stock:
                venv = stock_built.result()
        if skip_stock:
            log("stock: skipped")
            r["stock"] = stock.StockResults(skipped="skipped in smoke" if args.smoke else "skipped")
        else:
            r["stock"] = stock.StockResults()
            stock.count_queries(venv, root, r["stock"])
            for limit in (20, 100):
                log(f"stock: wrk, listing of {limit}, detail, floor")
                stock.measure(venv, root, port, duration, limit, r["stock"])

        branch = filled["branches"][0]
        r["branch"] = branch
        measure_ours(port + 1, env, branch, duration, r, warm=True)
        measure_ours(port + 2, env, branch, duration, r, warm=False)
        log("ours: SQL queries per request")
        count_queries(env, branch, r)
        measure_mix(port, env, filled["branches"], work, config["mix"], r, venv, root, skip_stock)
        small, large = config["refresh"]
        log(f"ours: read refresh for {small} and {large} articles")
        r["refresh"] = json.loads(
            manage("bench_refresh", "--small", str(small), "--articles", str(large), env=env)
        )
        r["seconds"] = time.monotonic() - started
        r["load_end"] = " ".join(f"{n:.2f}" for n in os.getloadavg())
        text = render.render(r, mode)
        print("\n" + text + "\n")
        report.write_doc(output, text, render.TEMPLATE)
        log(f"written to {output}")
    finally:
        redis.terminate()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work folder kept: {work}")
    return 0
