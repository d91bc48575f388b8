"""The ratio table and targets, printed and written into docs/performance.md."""

import re
from dataclasses import dataclass
from pathlib import Path

from .wrk import WrkResult

BEGIN = "<!-- bench:begin (written by bench/run; edit outside these markers) -->"
END = "<!-- bench:end -->"
REQUESTS = ["listing 20", "listing 100", "detail", "clinic listing 20", "read"]


@dataclass
class Target:
    name: str
    value: str
    status: str  # met, missed, not available, skipped in smoke


def ratio(a: object, b: object) -> float | None:
    if isinstance(a, WrkResult) and isinstance(b, WrkResult) and b.requests_per_second:
        return a.requests_per_second / b.requests_per_second
    return None


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2g}x" if value < 0.1 else f"{value:.2f}x"


def fmt_rps(result: object) -> str:
    if isinstance(result, WrkResult):
        errors = f", {result.errors} errors" if result.errors else ""
        # wrk reports no latency when every request ran past its timeout.
        latency = f"{result.latency_ms:.1f} ms" if result.latency_ms else "timed out"
        return f"{result.requests_per_second:,.1f} ({latency}{errors})"
    return str(result) if result else "-"


def fmt_queries(counts: object) -> str:
    if isinstance(counts, dict):
        if counts.get("status", 200) >= 400:
            return f"HTTP {counts['status']}"
        return "/".join(str(n) for n in counts["queries"])
    if isinstance(counts, list):
        return "/".join(str(n) for n in counts)
    return "-"


def _at_least(name: str, value: float | None, goal: float, why_missing: str = "") -> Target:
    if value is None:
        return Target(name, why_missing or "not measured", "not available")
    return Target(name, fmt_ratio(value), "met" if value >= goal else "missed")


def _against_stock(skipped: str, target: Target) -> Target:
    """A target measured against stock, or marked skipped when stock was not run."""
    return Target(target.name, skipped, skipped) if skipped else target


def targets(r: dict) -> list[Target]:
    """Each target of the delivery issue (#15) from one run's figures, but the realistic mix's."""
    stock, warm, off, floor = r["stock"].wrk, r["warm"], r["off"], r["floor"]
    skipped = r["stock"].skipped
    read_missing = warm.get("read") if isinstance(warm.get("read"), str) else ""
    result = [
        _against_stock(
            skipped,
            _at_least(
                "cold listing of 20 >= 5x stock",
                ratio(off["listing 20"], stock.get("listing 20")),
                5,
            ),
        ),
        _against_stock(
            skipped,
            _at_least("cold detail >= 5x stock", ratio(off["detail"], stock.get("detail")), 5),
        ),
        _at_least("warm listing of 20 >= 0.6x floor", ratio(warm["listing 20"], floor), 0.6),
        _at_least("warm detail >= 0.6x floor", ratio(warm["detail"], floor), 0.6),
        _at_least("read endpoint >= 0.7x floor", ratio(warm.get("read"), floor), 0.7, read_missing),
    ]
    listing_sql = [r["queries"]["off"].get(name, {}).get("queries") for name in REQUESTS[:2]]
    result.append(
        Target(
            "cold listing SQL constant in page size (20 and 100)",
            " and ".join(fmt_queries(q) for q in listing_sql),
            "met" if listing_sql[0] and listing_sql[0] == listing_sql[1] else "missed",
        )
    )
    read_queries = r["queries"]["warm"].get("read", {})
    if read_missing or read_queries.get("status", 500) >= 400:
        result.append(
            Target("zero SQL per read", read_missing or "read endpoint failed", "not available")
        )
    else:
        counts = read_queries["queries"]
        result.append(
            Target(
                "zero SQL per read",
                fmt_queries(read_queries),
                "met" if not any(counts) else "missed",
            )
        )
    refresh = r["refresh"]
    if not refresh.get("available"):
        reason = refresh.get("reason", "not measured")
        result.append(Target("refresh: constant SQL statements", reason, "not available"))
        result.append(Target("refresh: under 3 s", reason, "not available"))
    else:
        small, large = refresh["runs"]
        exact = all(run["reads_added"] == run["reads_sent"] for run in refresh["runs"])
        constant = small["statements"] == large["statements"]
        result.append(
            Target(
                f"refresh of {large['articles']:,} articles: constant SQL statements",
                f"{small['statements']} statements for {small['articles']:,}, "
                f"{large['statements']} for {large['articles']:,}"
                + ("" if exact else "; totals NOT exact"),
                "met" if constant and exact else "missed",
            )
        )
        result.append(
            Target(
                f"refresh of {large['articles']:,} articles: under 3 s",
                f"{large['seconds']:.2f} s",
                "met" if large["seconds"] < 3 else "missed",
            )
        )
    ours_rss = max(r["rss"]["warm"] + r["rss"]["off"], default=0)
    stock_rss = max(r["stock"].worker_rss_kib, default=0)
    rss_ratio = ours_rss / stock_rss if stock_rss else None
    target = _at_least(
        "worker RSS <= 1.2x stock", None if rss_ratio is None else 1.2 / rss_ratio, 1
    )
    target.value = f"{fmt_ratio(rss_ratio)} ({ours_rss:,} KiB vs {stock_rss:,} KiB)"
    result.append(_against_stock(skipped, target))
    return result


def table(r: dict) -> str:
    """Measurements per request: req/s (average latency), ratios, SQL queries, bytes."""
    stock, warm, off, floor = r["stock"], r["warm"], r["off"], r["floor"]
    qs, qw, qo = stock.queries, r["queries"]["warm"], r["queries"]["off"]
    stock_names = {
        "listing 20": "listing limit=20",
        "listing 100": "listing limit=100",
        "detail": "detail",
    }
    lines = [
        "| request | stock req/s (latency) | ours, cache warm | ours, cache off | warm/stock "
        "| off/stock | warm/floor | SQL per request: stock / warm / off | bytes: stock / ours |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in REQUESTS:
        s = stock.wrk.get(name) or (stock.skipped if name in stock_names else None)
        stock_bytes = stock.bytes.get(stock_names.get(name, ""))
        ours_bytes = r["bytes"].get(name)
        lines.append(
            f"| {name} | {fmt_rps(s)} | {fmt_rps(warm.get(name))} | {fmt_rps(off.get(name))} "
            f"| {fmt_ratio(ratio(warm.get(name), s))} | {fmt_ratio(ratio(off.get(name), s))} "
            f"| {fmt_ratio(ratio(warm.get(name), floor))} "
            f"| {fmt_queries(qs.get(stock_names.get(name)))} / {fmt_queries(qw.get(name))} / "
            f"{fmt_queries(qo.get(name))} "
            f"| {stock_bytes or '-'} / {ours_bytes or '-'} |"
        )
    stock_floor = stock.wrk.get("floor (listing of 20 bytes)") or stock.skipped
    lines.append(
        f"| floor (fixed bytes of a listing of 20) | {fmt_rps(stock_floor)} | {fmt_rps(floor)} | - "
        f"| {fmt_ratio(ratio(floor, stock_floor))} | - | 1.00x | 0 / 0 / - "
        f"| {stock.listing_bytes.get(20, '-')} / {r['bytes'].get('floor', '-')} |"
    )
    return "\n".join(lines)


def targets_table(items: list[Target]) -> str:
    lines = ["| target | this run | status |", "|---|---|---|"]
    lines += [f"| {t.name} | {t.value} | **{t.status}** |" for t in items]
    return "\n".join(lines)


def write_doc(path: Path, generated: str, template: str) -> None:
    """Replace the generated block, keeping what people wrote around it."""
    block = f"{BEGIN}\n{generated.strip()}\n{END}"
    text = path.read_text() if path.exists() else template
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
