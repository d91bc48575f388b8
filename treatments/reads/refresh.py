"""The read refresh: buffered reads from Redis into the daily rows and totals, exactly once.

Reads accumulate in a live hash (``buffer``); a refresh renames it to a new batch key, so new
reads start a fresh hash, and applies every pending batch, including ones a crashed or
concurrent run left. ``apply_read_batch`` says why a batch is never counted twice. Celery beat
runs it every READS_REFRESH_INTERVAL seconds (``tasks``); ``manage.py refresh_read_stats`` now.
"""

import json
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from . import buffer
from .events import read_totals_refreshed
from .models import AppliedBatch, ReadTotal
from .served import rebuild_served_map

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RefreshResult:
    batches: int
    reads: int


def refresh_read_stats() -> RefreshResult:
    """Move every buffered read into the database exactly once, and warm the beacon's map."""
    rebuild_served_map()
    buffer.take_batch()
    applied = [apply_read_batch(key) for key in buffer.pending_batches()]
    AppliedBatch.objects.filter(applied_at__lt=timezone.now() - APPLIED_BATCH_RETENTION).delete()
    result = RefreshResult(batches=sum(1 for n in applied if n), reads=sum(applied))
    logger.info("read stats refreshed", extra={"batches": result.batches, "reads": result.reads})
    return result


# A batch is cleaned up from Redis by the run that commits it or the next one, so its record is
# only needed for minutes; a month is far beyond any outage the beat would catch up on.
APPLIED_BATCH_RETENTION = timedelta(days=30)


def apply_read_batch(key: str) -> int:
    """Add one batch's counts to the daily rows and totals; returns the reads it added.

    The batch key is inserted into AppliedBatch in the same transaction as the counts: a run
    that finds it there (a redelivered task, a run after a crash between commit and clean-up,
    a concurrent run, which waits on the row until the first commits) adds nothing. Redis
    forgets the batch only after the commit, so a crash before it loses nothing.
    """
    counts = buffer.batch_counts(key)
    if not counts:
        buffer.discard_batch(key)
        return 0
    added = 0
    with transaction.atomic():
        if _mark_applied(key):
            changed, added = _add_counts(counts)
            transaction.on_commit(
                lambda: read_totals_refreshed.send(sender=ReadTotal, page_ids=changed)
            )
    buffer.discard_batch(key)
    logger.info("read batch applied", extra={"batch": key, "reads": added})
    return added


def _mark_applied(key: str) -> bool:
    table = connection.ops.quote_name(AppliedBatch._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({connection.ops.quote_name('key')}, applied_at) "  # noqa: S608
            f"VALUES (%s, %s) ON CONFLICT ({connection.ops.quote_name('key')}) DO NOTHING "
            "RETURNING id",
            [key, connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        return cursor.fetchone() is not None


def _json_rows(columns: str) -> str:
    """A FROM source over a JSON array parameter: one parameter whatever the batch size."""
    if connection.vendor == "postgresql":
        return f"jsonb_to_recordset(%s::jsonb) AS v({columns})"
    names = [column.split()[0] for column in columns.split(",")]
    picks = ", ".join(f"json_extract(j.value, '$.{name}') AS {name}" for name in names)
    # Column names are our constants, never input.
    return f"(SELECT {picks} FROM json_each(%s) AS j) AS v"  # noqa: S608


_DAILY_SQL = """
INSERT INTO treatments_dailyread (page_id, site_id, date, count)
SELECT v.page_id, v.site_id, v.date, v.count FROM {source}
JOIN wagtailcore_page p ON p.id = v.page_id
JOIN wagtailcore_site s ON s.id = v.site_id
WHERE true
ON CONFLICT (page_id, site_id, date)
    DO UPDATE SET count = treatments_dailyread.count + excluded.count
RETURNING page_id, site_id, date
"""

# Totals come from the same rows, so a read of a page or branch deleted meanwhile is dropped
# from both, never counted in one and not the other.
_TOTALS_SQL = """
INSERT INTO treatments_readtotal (page_id, imported_count, count, refreshed_at)
SELECT v.page_id, 0, SUM(v.count), %s FROM {source}
JOIN wagtailcore_page p ON p.id = v.page_id
JOIN wagtailcore_site s ON s.id = v.site_id
WHERE true
GROUP BY v.page_id
ON CONFLICT (page_id) DO UPDATE SET count = treatments_readtotal.count + excluded.count,
    refreshed_at = excluded.refreshed_at
RETURNING page_id
"""


def _add_counts(counts: dict[tuple[int, int, date], int]) -> tuple[list[int], int]:
    """Two bulk upserts, daily rows then totals, in key order: concurrent runs never deadlock."""
    rows = json.dumps(
        [
            {"page_id": page, "site_id": site, "date": day.isoformat(), "count": n}
            for (page, site, day), n in sorted(counts.items())
        ]
    )
    source = _json_rows("page_id integer, site_id integer, date date, count bigint")
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_DAILY_SQL.format(source=source), [rows])
        stored = [(page, site, _as_date(day)) for page, site, day in cursor.fetchall()]
        cursor.execute(_TOTALS_SQL.format(source=source), [now, rows])
        changed = sorted(row[0] for row in cursor.fetchall())
    return changed, sum(counts[key] for key in stored)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
