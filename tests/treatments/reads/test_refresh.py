"""Moving buffered reads from Redis into the statistics tables (the refresh service)."""

import pytest
from django.utils import timezone

from tests.factories import TreatmentPageFactory
from tests.treatments.reads.helpers import beacon
from treatments.models import AppliedBatch, DailyRead, ReadTotal
from treatments.reads import buffer, refresh, served, totals
from treatments.reads.events import read_totals_refreshed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("read_buffer")]


def send(client, page, site, times, ua_prefix="reader"):
    for n in range(times):
        assert beacon(client, page.id, site, ua=f"Mozilla/5.0 {ua_prefix} {n}").status_code == 204


def test_refresh_adds_reads_per_article_branch_and_day(client, world):
    """A library article's reads at both branches add to its total and to each branch's share."""
    send(client, world.north_alias, world.north.site, 3)
    send(client, world.south_alias, world.south.site, 2)
    send(client, world.north_own, world.north.site, 1)

    result = refresh.refresh_read_stats()

    today = timezone.localdate()
    assert (result.batches, result.reads) == (1, 6)
    rows = set(DailyRead.objects.values_list("page_id", "site_id", "date", "count"))
    assert rows == {
        (world.article.id, world.north.site.id, today, 3),
        (world.article.id, world.south.site.id, today, 2),
        (world.north_own.id, world.north.site.id, today, 1),
    }
    totals = dict(ReadTotal.objects.values_list("page_id", "count"))
    assert totals == {world.article.id: 5, world.north_own.id: 1}
    assert ReadTotal.objects.get(page=world.article).refreshed_at is not None
    assert buffer.pending_batches() == []


def test_imported_count_is_the_starting_total(client, world):
    totals.set_imported_read_count(world.article, 1200)
    send(client, world.north_alias, world.north.site, 4)

    refresh.refresh_read_stats()
    totals.set_imported_read_count(world.article, 1200)  # re-import keeps reads

    total = ReadTotal.objects.get(page=world.article)
    assert (total.count, total.imported_count) == (1204, 1200)


def test_second_refresh_adds_only_new_reads(client, world):
    send(client, world.north_alias, world.north.site, 2)
    refresh.refresh_read_stats()
    send(client, world.north_alias, world.north.site, 3, ua_prefix="later")

    assert refresh.refresh_read_stats().reads == 3

    assert ReadTotal.objects.get(page=world.article).count == 5
    assert DailyRead.objects.get().count == 5


def test_a_batch_applied_again_adds_nothing(client, world):
    """A redelivered task, or a run after a crash between commit and clean-up, finds it applied."""
    send(client, world.north_alias, world.north.site, 2)
    key = buffer.take_batch()
    counts = buffer.batch_counts(key)
    assert refresh.apply_read_batch(key) == 2
    # As if the clean-up never happened: the batch is back in Redis and still pending.
    r = buffer.redis_client()
    r.hset(key, mapping={f"{o}:{s}:{d.isoformat()}": n for (o, s, d), n in counts.items()})
    r.sadd(buffer.PENDING, key)

    assert refresh.refresh_read_stats().reads == 0

    assert ReadTotal.objects.get(page=world.article).count == 2
    assert buffer.pending_batches() == []
    assert AppliedBatch.objects.filter(key=key).exists()


def test_a_batch_taken_but_not_applied_is_applied_by_the_next_run(client, world):
    """A crash after the take leaves the batch pending; the next refresh applies it."""
    send(client, world.north_alias, world.north.site, 2)
    buffer.take_batch()
    send(client, world.south_alias, world.south.site, 1)

    result = refresh.refresh_read_stats()

    assert (result.batches, result.reads) == (2, 3)
    assert ReadTotal.objects.get(page=world.article).count == 3


def test_reads_of_a_deleted_page_are_dropped_without_failing(client, world):
    send(client, world.north_own, world.north.site, 2)
    send(client, world.north_alias, world.north.site, 1)
    world.north_own.delete()

    assert refresh.refresh_read_stats().reads == 1

    assert set(ReadTotal.objects.values_list("page_id", "count")) == {(world.article.id, 1)}
    assert buffer.pending_batches() == []


def test_refresh_announces_changed_originals_after_commit(
    client, world, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, page_ids, **kwargs):
        received.append(sorted(page_ids))

    read_totals_refreshed.connect(receiver)
    try:
        send(client, world.south_alias, world.south.site, 1)
        send(client, world.north_own, world.north.site, 1)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            refresh.refresh_read_stats()
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        read_totals_refreshed.disconnect(receiver)

    assert received == [sorted([world.article.id, world.north_own.id])]


# Map rebuild (sites, private sections, articles), savepoint, batch record, daily upsert,
# totals upsert, savepoint release, pruning of old batch records.
REFRESH_QUERIES = 9


@pytest.mark.parametrize("articles", [1, 30])
def test_refresh_statements_do_not_grow_with_articles(
    client, library, north, offer, articles, django_assert_num_queries
):
    """Applying a batch costs the same statements for 1 article as for 30 (bulk upserts)."""
    pages = [offer(TreatmentPageFactory(parent=library), north.index) for _ in range(articles)]
    served.rebuild_served_map()
    for page in pages:
        send(client, page, north.site, 2)

    with django_assert_num_queries(REFRESH_QUERIES):
        result = refresh.refresh_read_stats()

    assert result.reads == 2 * articles
    assert ReadTotal.objects.filter(count=2).count() == articles
    assert DailyRead.objects.filter(count=2, site=north.site).count() == articles


def test_old_batch_records_are_pruned(world):
    old = AppliedBatch.objects.create(key="reads:batch:old")
    AppliedBatch.objects.filter(pk=old.pk).update(applied_at=timezone.now().replace(year=2020))
    AppliedBatch.objects.create(key="reads:batch:recent")

    refresh.refresh_read_stats()

    assert list(AppliedBatch.objects.values_list("key", flat=True)) == ["reads:batch:recent"]


def test_refresh_with_nothing_buffered_changes_nothing(world):
    assert refresh.refresh_read_stats() == refresh.RefreshResult(batches=0, reads=0)
    assert not DailyRead.objects.exists()
    # The map is still rebuilt, so beacons keep working after Redis lost it.
    assert buffer.redis_client().hget(buffer.MAP, f"p:{world.north.site.id}:{world.north_alias.id}")


def test_beat_refreshes_every_minute_unless_configured():
    """The schedule names the real task; READS_REFRESH_INTERVAL changes the interval."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    from cms.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["refresh-read-stats"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"] == 60.0
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BEAT_SCHEDULE['refresh-read-stats']['schedule'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "READS_REFRESH_INTERVAL": "15",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "15.0", result.stderr
