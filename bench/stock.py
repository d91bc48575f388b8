"""The stock Wagtail comparison project, built and measured by the shared anchor scripts.

The scripts live beside this repository in ``../shared/anchors/stock-wagtail`` and are run as
they are, so the comparison stays the same from run to run.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import wrk
from .wrk import WrkResult

REPO = Path(__file__).resolve().parent.parent
ANCHOR = Path(
    os.environ.get("BENCH_STOCK_ANCHOR", REPO.parent / "shared" / "anchors" / "stock-wagtail")
)
# What the anchor's setup.sh needs, at this project's pinned versions.
PACKAGES = ("wagtail", "django", "gunicorn", "psycopg")


@dataclass
class StockResults:
    listing_bytes: dict[int, int] = field(default_factory=dict)
    wrk: dict[str, WrkResult] = field(default_factory=dict)
    queries: dict[str, list[int]] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    worker_rss_kib: list[int] = field(default_factory=list)
    skipped: str = ""  # why stock was not built or measured (the smoke mode)


def pinned_requirements() -> list[str]:
    """This project's pins of the packages the anchor installs (psycopg with its binary)."""
    pins = []
    for line in (REPO / "requirements" / "base.txt").read_text().splitlines():
        name = re.split(r"[\[=]", line.strip(), maxsplit=1)[0].lower()
        if name in PACKAGES:
            pins.append(line.strip())
    return pins


def create_venv(path: Path) -> Path:
    """A virtualenv with the anchor's packages; the rest pinned to what this project resolved."""
    subprocess.run([sys._base_executable, "-m", "venv", str(path)], check=True)
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze"], capture_output=True, text=True, check=True
    ).stdout
    constraints = path / "constraints.txt"
    constraints.write_text(
        "\n".join(line for line in frozen.splitlines() if "==" in line and " @ " not in line)
    )
    pip = [
        str(path / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, "-c", str(constraints), *pinned_requirements()], check=True)
    return path


def _env(venv: Path, root: Path, **extra: str) -> dict[str, str]:
    """The caller's environment without its Django settings (a test run sets this project's)."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return {**env, "VENV": str(venv), "ROOT": str(root), **extra}


def setup(venv: Path, root: Path, database: str, articles: int) -> None:
    """Build the stock project in ``root`` and fill ``database`` (the anchor's setup.sh)."""
    subprocess.run(
        ["bash", str(ANCHOR / "setup.sh")],
        env=_env(venv, root, DB=database, N=str(articles)),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def count_queries(venv: Path, root: Path, results: StockResults) -> None:
    """SQL queries per request, from the anchor's queries.py."""
    output = subprocess.run(
        [str(venv / "bin" / "python"), str(ANCHOR / "queries.py")],
        cwd=root,
        env=_env(venv, root, DJANGO_SETTINGS_MODULE="stock.settings.bench"),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r"^(.+?): queries per request \[([\d, ]+)\], bytes (\d+)"
    for name, counts, size in re.findall(pattern, output, re.M):
        results.queries[name] = [int(n) for n in counts.split(",")]
        results.bytes[name] = int(size)


def measure(
    venv: Path, root: Path, port: int, duration: str, limit: int, results: StockResults
) -> None:
    """One bench.sh run: listing of ``limit``, one detail, the floor, and worker RSS."""
    output = subprocess.run(
        ["bash", str(ANCHOR / "bench.sh")],
        env=_env(venv, root, PORT=str(port), D=duration, LIMIT=str(limit)),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    results.listing_bytes[limit] = int(re.search(r"listing bytes: (\d+)", output).group(1))
    for url, figures in re.findall(r"^== (\S+)\n((?:(?!==).*\n)*)", output, re.M):
        if "/floor/" in url:
            name = f"floor (listing of {limit} bytes)"
        elif "/pages/?" in url:
            name = f"listing {limit}"
        else:
            name = "detail"
        results.wrk.setdefault(name, wrk.parse(figures))  # detail: from the first run
    rss = re.search(r"worker RSS KiB: ([\d ]+)", output)
    results.worker_rss_kib += [int(n) for n in rss.group(1).split()]
