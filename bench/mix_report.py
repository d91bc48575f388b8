"""The realistic mix in the report: its table and its targets (issue 15)."""

from .mix import MixResult
from .report import Target, fmt_ratio

SIDES = [
    ("stock", "stock Wagtail"),
    ("origin", "ours, origin"),
    ("varnish", "ours, Varnish in front"),
]


def _row(label: str, result: MixResult | None, note: str = "") -> str:
    if result is None:
        return f"| {label} | {note or '-'} | | | | | | | |"
    background = ", ".join(f"{k} {v}" for k, v in result.background.items()) or "-"
    return (
        f"| {label} | {result.requests_per_second:,.1f} | {result.p50_ms:.1f} ms "
        f"| {result.p90_ms:.1f} ms | {result.p99_ms:.1f} ms | {result.hit_ratio:.1%} "
        f"| {result.non_200} | {result.distinct_urls:,} | {background} |"
    )


def table(mix: dict) -> str:
    lines = [
        "| side | req/s | p50 | p90 | p99 | cache hits | non-200 | distinct URLs | meanwhile |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for key, label in SIDES:
        lines.append(_row(label, mix.get(key), mix.get(f"{key}_note", "")))
    return "\n".join(lines)


def targets(mix: dict, skipped: str) -> list[Target]:
    """Throughput, hit ratio and tail latency, judged for each of our two fronts."""
    stock: MixResult | None = mix.get("stock")
    result = []
    for key, label in SIDES[1:]:
        ours: MixResult | None = mix.get(key)
        if ours is None:
            reason = mix.get(f"{key}_note", "not measured")
            result.append(Target(f"realistic mix ({label}): all targets", reason, "not available"))
            continue
        hit = Target(
            f"realistic mix ({label}): hit ratio >= 90%",
            f"{ours.hit_ratio:.1%}",
            "met" if ours.hit_ratio >= 0.9 else "missed",
        )
        if stock is None:
            result += [
                Target(f"realistic mix ({label}) >= 10x stock", skipped, skipped),
                hit,
                Target(f"realistic mix ({label}): p99 below stock's median", skipped, skipped),
            ]
            continue
        speedup = ours.requests_per_second / stock.requests_per_second
        result += [
            Target(
                f"realistic mix ({label}) >= 10x stock",
                fmt_ratio(speedup),
                "met" if speedup >= 10 else "missed",
            ),
            hit,
            Target(
                f"realistic mix ({label}): p99 below stock's median",
                f"{ours.p99_ms:.1f} ms vs {stock.p50_ms:.1f} ms",
                "met" if ours.p99_ms < stock.p50_ms else "missed",
            ),
        ]
    return result
