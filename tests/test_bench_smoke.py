"""The benchmark's smoke mode: ``bench/run --smoke`` runs end to end and writes its table.

Tiny data, one-second wrk runs, a migrated database copied from a template and no stock project
(its rows say "skipped in smoke"): it checks that the harness and this project still fit
together, never how fast anything is. The full ``bench/run`` measures stock.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
AGAINST_STOCK = [
    "cold listing of 20 >= 5x stock",
    "cold detail >= 5x stock",
    "worker RSS <= 1.2x stock",
    "realistic mix (ours, origin) >= 10x stock",
    "realistic mix (ours, origin): p99 below stock's median",
    "realistic mix (ours, Varnish in front) >= 10x stock",
    "realistic mix (ours, Varnish in front): p99 below stock's median",
]
MEASURED = [
    "warm listing of 20 >= 0.6x floor",
    "warm detail >= 0.6x floor",
    "read endpoint >= 0.7x floor",
    "zero SQL per read",
    "cold listing SQL constant in page size (20 and 100)",
    "refresh of 12 articles: constant SQL statements",
    "refresh of 12 articles: under 3 s",
    "realistic mix (ours, origin): hit ratio >= 90%",
    "realistic mix (ours, Varnish in front): hit ratio >= 90%",
]


def _database_names() -> tuple[str, str]:
    """Databases of its own for the bench, named after the suite's, so runs never collide."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/clinic_cms")
    name = urlsplit(url).path.lstrip("/")
    return url.rsplit("/", 1)[0] + f"/{name}_bench_smoke", f"{name}_stock_smoke"


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is missing: apt-get install wrk")
def test_smoke_run_writes_the_ratio_table(tmp_path):
    """This project is filled, served and measured; every target gets a status."""
    database_url, stock_db = _database_names()
    output = tmp_path / "performance.md"
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url,
        "BENCH_STOCK_DB": stock_db,
        "BENCH_PORT": os.environ.get("BENCH_SMOKE_PORT", "8075"),
    }

    run = subprocess.run(
        ["bash", "bench/run", "--smoke", "--output", str(output)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert run.returncode == 0, run.stderr[-3000:]
    text = output.read_text()
    assert "### Targets" in run.stdout
    for target in AGAINST_STOCK + MEASURED:
        row = re.search(rf"^\| {re.escape(target)} \| .+ \| \*\*(.+)\*\* \|$", text, re.M)
        assert row, target
        expected = ("skipped in smoke",) if target in AGAINST_STOCK else ("met", "missed")
        assert row.group(1) in expected, row.group(0)
    # Ours is measured with the cache warm and off; the SQL columns are counted, not copied.
    listing = re.search(
        r"^\| listing 20 \| skipped in smoke \| ([\d.,]+) .*\| ([\d.,]+) .*"
        r"\| - / (\d+)/\d+/\d+ / (\d+)/\d+/\d+ \|",
        text,
        re.M,
    )
    assert listing, text
    assert float(listing.group(1).replace(",", "")) > 0
    assert float(listing.group(2).replace(",", "")) > 0
    assert int(listing.group(3)) < int(listing.group(4))  # the warm cache saves queries
    floor = re.search(r"^\| floor .*\| 0 / 0 / - \| - / (\d+) \|$", text, re.M)
    assert floor, text
    assert "Smoke run" in text
