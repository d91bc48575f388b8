"""Writes that span several models: importing articles, placing them in the library,
moving buffered reads into the statistics tables."""

import json
import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from . import reads
from .events import read_totals_refreshed
from .models import AppliedBatch, Condition, ReadTotal, TreatmentLibraryPage, TreatmentPage
from .plaintext import ParsedArticle, Question
from .selectors import read_map_fields

logger = logging.getLogger(__name__)


def get_or_create_library() -> TreatmentLibraryPage:
    """The shared library, directly under the tree's root, outside every branch's site."""
    library = TreatmentLibraryPage.objects.first()
    if library is None:
        root = Page.get_first_root_node()
        library = root.add_child(
            instance=TreatmentLibraryPage(title="Treatment library", slug="treatment-library")
        )
        library.save_revision().publish()
    return library


def _paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(text, quote=False)}</p>" for text in paragraphs)


def _body_stream(parsed: ParsedArticle) -> list[tuple[str, object]]:
    stream = []
    for _kind, item in parsed.body:
        if isinstance(item, Question):
            stream.append(
                ("question", {"question": item.question, "answer": _paragraphs_html(item.answer)})
            )
        else:
            stream.append(("paragraph", _paragraphs_html([item])))
    return stream


def _editor_notes(parsed: ParsedArticle) -> str:
    notes = [f"Unanswered question: {q}" for q in parsed.unanswered]
    notes += [f"Line kept in the body, check where it belongs: {line}" for line in parsed.unplaced]
    return "\n".join(notes)


def _conditions(names: list[str]) -> list[Condition]:
    conditions = []
    for name in names:
        slug = slugify(name)[:255]
        condition, _ = Condition.objects.get_or_create(slug=slug, defaults={"name": name[:255]})
        conditions.append(condition)
    return conditions


@transaction.atomic
def import_article(parsed: ParsedArticle, parent: Page | None = None) -> tuple[TreatmentPage, bool]:
    """Create or update (by slug under ``parent``) the article, publish it, set its read count.

    Re-importing the same file updates the article in place: same page, new revision.
    """
    parent = parent or get_or_create_library()
    slug = slugify(parsed.title)[:255] or "article"
    page = TreatmentPage.objects.child_of(parent).filter(slug=slug).first()
    created = page is None
    if created:
        page = TreatmentPage(title=parsed.title[:255], slug=slug)
    page.title = parsed.title[:255]
    if parsed.summary:  # an article file without a summary keeps the editor's
        page.summary = "\n\n".join(parsed.summary)
    page.body = _body_stream(parsed)
    page.editor_notes = _editor_notes(parsed)
    if created:
        parent.add_child(instance=page)
    page.conditions.set(_conditions(parsed.conditions))
    page.save_revision().publish()
    if parsed.read_count is not None:
        set_imported_read_count(page, parsed.read_count)
    logger.info("article imported", extra={"page": page.pk, "new_page": created})
    return page, created


def set_imported_read_count(page: Page, imported: int) -> ReadTotal:
    """Make ``imported`` the article's starting total, keeping reads counted since."""
    total, _ = ReadTotal.objects.select_for_update().get_or_create(page=page)
    total.count = total.count - total.imported_count + imported
    total.imported_count = imported
    total.save(update_fields=["count", "imported_count"])
    return total


def rebuild_read_map() -> bool:
    """Rebuild the beacon's map of served articles from the database (a few queries).

    Returns False when a rebuild that started later had already installed a newer map.
    """
    generation = reads.start_map_rebuild()
    return reads.install_map(read_map_fields(), generation)


@dataclass(frozen=True)
class RefreshResult:
    batches: int
    reads: int


def refresh_read_stats() -> RefreshResult:
    """Move every buffered read into PostgreSQL exactly once, and warm the beacon's map.

    Reads accumulate in a live hash; a refresh renames it to a new batch key (new reads start
    a fresh hash) and applies every pending batch, including ones left by a crashed or
    concurrent run. See ``apply_read_batch`` for why a batch is never counted twice.
    """
    rebuild_read_map()
    reads.take_batch()
    _pause_for_tests("taken")
    applied = [apply_read_batch(key) for key in reads.pending_batches()]
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
    counts = reads.batch_counts(key)
    if not counts:
        reads.discard_batch(key)
        return 0
    added = 0
    with transaction.atomic():
        if _mark_applied(key):
            changed, added = _add_counts(counts)
            transaction.on_commit(
                lambda: read_totals_refreshed.send(sender=ReadTotal, page_ids=changed)
            )
        _pause_for_tests("before-commit")
    _pause_for_tests("committed")
    reads.discard_batch(key)
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


def _pause_for_tests(point: str) -> None:
    """Block at ``point`` when the test-only setting names it, so a test can SIGKILL the worker.

    Tests set READS_REFRESH_PAUSE_AT (cms.settings.test reads it from the environment; other
    settings leave it empty) and wait for the ``reads:paused:<point>`` key; setting
    ``reads:resume:<point>`` lets the refresh go on.
    """
    if getattr(settings, "READS_REFRESH_PAUSE_AT", "") != point:
        return
    r = reads.redis_client()
    r.set(f"reads:paused:{point}", 1)
    while not r.exists(f"reads:resume:{point}"):
        time.sleep(0.05)
