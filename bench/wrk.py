"""Running wrk and reading its figures."""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

# The anchor's bench.sh settings: one thread, eight connections.
WRK_ARGS = ["-t1", "-c8"]
POST_SCRIPT = Path(__file__).with_name("post.lua")
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    latency_ms: float
    errors: int  # non-2xx/3xx answers plus socket errors


def parse(output: str) -> WrkResult:
    """Figures from wrk's report (or from bench.sh's grep of it)."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", output)
    if rps is None or latency is None:
        raise ValueError(f"no wrk figures in: {output.strip()[:300]}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        latency_ms=float(latency.group(1)) * UNITS[latency.group(2)],
        errors=errors,
    )


def run(url: str, duration: str, host: str | None = None, post: bool = False) -> WrkResult:
    command = ["wrk", *WRK_ARGS, f"-d{duration}"]
    if host:
        command += ["-H", f"Host: {host}"]
    if post:
        command += ["-s", str(POST_SCRIPT)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse(output)
