"""The run's report: the machine, the targets, the tables and the notes under them."""

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from . import mix, mix_report, report, wrk


def machine() -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    os_name = next(
        (
            line.split("=", 1)[1].strip('"')
            for line in Path("/etc/os-release").read_text().splitlines()
            if line.startswith("PRETTY_NAME=")
        ),
        platform.platform(),
    )
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[:2]
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} ({cpu})",
        "os": os_name,
        "python": platform.python_version(),
        "wrk": " ".join(wrk_version),
        "stack": ", ".join(
            f"{p} {version(p)}"
            for p in ("wagtail", "Django", "djangorestframework", "gunicorn", "psycopg", "orjson")
        ),
        "load": " ".join(f"{n:.2f}" for n in os.getloadavg()),
    }


def cache_note(r: dict) -> str:
    """Whether the cache modes differed, judged by SQL per request: no cache, no warm mode."""
    warm, off = (
        r["queries"]["warm"].get("listing 20", {}),
        r["queries"]["off"].get("listing 20", {}),
    )
    if not any(off.get("queries", [1])):
        return "- **`API_SERVER_CACHE=false` was not honoured**: the listing ran no SQL with it."
    if warm.get("queries") == off.get("queries"):
        return (
            "- Cache warm and cache off ran the same SQL per request: this tree has no API cache "
            "yet (or it ignores `API_SERVER_CACHE`), so the two columns differ only by noise."
        )
    return "- Cache warm served with less SQL than cache off: the API cache is in use."


def render(r: dict, mode: str) -> str:
    m = r["machine"]
    items = report.targets(r) + mix_report.targets(r["mix"], r["stock"].skipped)
    wrk_args = f"{' '.join(wrk.WRK_ARGS)} -d{r['duration']}"
    command = "bench/run --smoke" if mode == "smoke" else "bench/run"
    smoke = (
        "\n**Smoke run: tiny data and 1-second measurements, to check that the bench runs; "
        "not a measurement.**\n"
    )
    notes = [
        f"- Machine: {m['cpus']} CPUs, {m['os']}, Python {m['python']}, "
        f"PostgreSQL {r['postgres']}, {m['wrk']}; load average {m['load']} at the start, "
        f"{r['load_end']} at the end. "
        "The machine is shared with other work: absolute figures are noisy, "
        "ratios within one run are what count.",
        f"- Stack: {m['stack']}. Both projects on PostgreSQL, gunicorn with 2 sync workers.",
        f"- Data: {r['articles']:,} articles in each project; wrk `{wrk_args}` per request. "
        "Stock: the shared anchor scripts as they are (stock settings: `CONN_MAX_AGE` 0, no "
        "cache). Ours: `bench.settings` (DEBUG off, `CONN_MAX_AGE` 60, Redis cache), every "
        f"article offered at two branches (created through {r['branch']['via']}); requests "
        f"carry the Host of branch `{r['branch']['slug']}` (`{r['branch']['hostname']}`).",
        cache_note(r),
        "- Cache off: the server runs with `API_SERVER_CACHE=false`: every answer is assembled "
        "from the delivery documents (`cms/api/documents.py`), which "
        "`rebuild_delivery_documents` rendered after the fill, as workers render them at each "
        "publish. Floor: a Django view in a "
        "bench-only URLconf returning this project's listing of 20 as fixed bytes, through the "
        "project's middleware.",
        "- SQL per request: three requests after a warm-up, with Django's test client and "
        "`CaptureQueriesContext` (the anchor's queries.py method). Worker RSS: `ps` after the run.",
        f"- The run took {r['seconds']:.0f} s (`{command}`).",
    ]
    return "\n".join(
        [
            f"## Run of {m['date']}",
            smoke if mode == "smoke" else "",
            "### Targets",
            "",
            report.targets_table(items),
            "",
            "### Measurements: requests per second (average latency)",
            "",
            report.table(r),
            "",
            f"### Realistic mix: wrk `{' '.join(mix.WRK_ARGS)} -d{r['mix_duration']}`",
            "",
            mix_report.table(r["mix"]),
            "",
            "Partners' GETs over a long tail of URLs (every article's detail at each branch, "
            "listings with varied offsets, orders, searches and filters; Zipf popularity over a "
            f"fixed sample of {mix.SAMPLE:,}), while beacons arrive at 20 a second, the read "
            "refresh runs every 5 s (Celery beat and a worker) and an editor publishes a library "
            "article every 3 s. Stock gets the same shape of URLs and the same publishes. Cache "
            "hits: answers with `X-Cache: HIT` (Varnish) or `X-Answer-Cache: HIT` (the origin's "
            "stored answers).",
            "",
            *notes,
        ]
    )


TEMPLATE = """# Performance

How Clinic CMS serves partners compared with the stock Wagtail API v2 a clinic group would
otherwise deploy (`../shared/anchors/stock-wagtail`), and with Django's own floor. Reproduce with
`bench/run` (7 to 10 minutes on two cores); `bench/run --smoke` checks that the harness runs
(about half a minute once its template database exists).
"""
