"""The read refresh in real Celery workers and processes, killed mid-refresh.

Each worker is a subprocess (``celery worker -P solo``, so the task runs in the process we
kill) on the test database and this test run's Redis databases. The refresh blocks at a named
point when READS_REFRESH_PAUSE_AT is set (see ``tests/treatments/reads/pausing.py``), so a SIGKILL
lands exactly there. acks_late leaves the killed task unacknowledged; the broker redelivers it
to the next worker after the (test-short) visibility timeout.
"""

import signal
import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings

from tests import processes
from tests.processes import ROOT, WAIT, stop, wait_for
from tests.treatments.reads.helpers import beacon
from treatments.models import AppliedBatch, DailyRead, ReadTotal
from treatments.reads import buffer
from treatments.reads.tasks import refresh_read_stats

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def child_env(**extra) -> dict:
    """A test-short visibility timeout, so a killed worker's task is redelivered quickly."""
    return processes.child_env(CELERY_VISIBILITY_TIMEOUT="2", **extra)


STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_process_left_behind():
    """A failing test must not leave a worker blocked at a pause point."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait()


def start_worker(tmp_path, pause_at: str = "") -> subprocess.Popen:
    log = open(tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.treatments.reads.pausing" if pause_at else "cms",
            "worker",
            "-P",
            "solo",
            "-l",
            "info",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "-n",
            f"reads-{uuid.uuid4().hex[:8]}@localhost",
        ],
        cwd=ROOT,
        env=child_env(READS_REFRESH_PAUSE_AT=pause_at),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    STARTED.append(process)
    return process


def start_command(pause_at: str = "") -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.treatments.reads.pausing"]
        if pause_at
        else [sys.executable, "manage.py", "refresh_read_stats"],
        cwd=ROOT,
        env=child_env(READS_REFRESH_PAUSE_AT=pause_at),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    STARTED.append(process)
    return process


def broker() -> redis.Redis:
    return redis.Redis.from_url(settings.CELERY_BROKER_URL)


def broker_idle() -> bool:
    """No task queued and none delivered but unacknowledged."""
    b = broker()
    return b.llen("celery") == 0 and b.hlen("unacked") == 0


@pytest.fixture(autouse=True)
def empty_broker():
    """No task left queued by an earlier test: the broker (Redis) outlives the test database."""
    broker().flushdb()
    yield
    broker().flushdb()


def send(client, page, site, times, tag):
    for n in range(times):
        ua = f"Mozilla/5.0 reader {tag} {n}"
        assert beacon(client, page.id, site, ua=ua).status_code == 204


def paused(point: str) -> bool:
    return bool(buffer.redis_client().exists(f"reads:paused:{point}"))


def stored_total(article) -> int:
    total = ReadTotal.objects.filter(page=article).first()
    return total.count if total else 0


def test_worker_runs_the_refresh(client, world, tmp_path):
    send(client, world.north_alias, world.north.site, 3, "a")
    worker = start_worker(tmp_path)
    try:
        refresh_read_stats.delay()
        wait_for(lambda: stored_total(world.article) == 3 and broker_idle(), "refresh")
    finally:
        stop(worker)
    assert DailyRead.objects.get().count == 3
    assert buffer.pending_batches() == []


def test_worker_killed_after_taking_reads_before_commit_loses_nothing(client, world, tmp_path):
    """SIGKILL inside the refresh's transaction: nothing committed, the batch stays pending,
    and the redelivered task applies it once, with the reads that came in meanwhile."""
    send(client, world.north_alias, world.north.site, 5, "a")
    worker = start_worker(tmp_path, pause_at="before-commit")
    refresh_read_stats.delay()
    wait_for(lambda: paused("before-commit"), "the worker to block before its commit")
    assert len(buffer.pending_batches()) == 1
    send(client, world.south_alias, world.south.site, 2, "b")  # reads go on during the refresh

    worker.send_signal(signal.SIGKILL)
    worker.wait()

    assert stored_total(world.article) == 0
    assert not AppliedBatch.objects.exists()
    restarted = start_worker(tmp_path)
    try:
        wait_for(lambda: buffer.pending_batches() == [] and broker_idle(), "the redelivery")
    finally:
        stop(restarted)
    assert stored_total(world.article) == 7
    assert set(DailyRead.objects.values_list("site_id", "count")) == {
        (world.north.site.id, 5),
        (world.south.site.id, 2),
    }


def test_worker_killed_after_commit_before_cleanup_counts_once(client, world, tmp_path):
    """SIGKILL after the commit: the batch is still in Redis, but the redelivered task finds it
    recorded as applied and only cleans it up."""
    send(client, world.north_alias, world.north.site, 4, "a")
    worker = start_worker(tmp_path, pause_at="committed")
    refresh_read_stats.delay()
    wait_for(lambda: paused("committed"), "the worker to block after its commit")

    worker.send_signal(signal.SIGKILL)
    worker.wait()

    assert stored_total(world.article) == 4
    assert len(buffer.pending_batches()) == 1  # committed, not cleaned up
    send(client, world.north_alias, world.north.site, 1, "b")
    restarted = start_worker(tmp_path)
    try:
        wait_for(lambda: buffer.pending_batches() == [] and broker_idle(), "the redelivery")
    finally:
        stop(restarted)
    assert stored_total(world.article) == 5
    assert DailyRead.objects.get().count == 5
    assert AppliedBatch.objects.count() == 2


def test_two_refreshes_at_once_count_each_read_once(client, world):
    """A second refresh that starts while the first holds an uncommitted batch waits for it
    on the batch record, then skips that batch and applies only its own."""
    send(client, world.north_alias, world.north.site, 3, "a")
    first = start_command(pause_at="before-commit")
    wait_for(lambda: paused("before-commit"), "the first refresh to block before its commit")
    send(client, world.north_own, world.north.site, 2, "b")
    second = start_command()
    # The second takes its batch; it may even commit it before it waits on the first's batch.
    wait_for(
        lambda: len(buffer.pending_batches()) == 2 or stored_total(world.north_own) == 2,
        "the second refresh to take its batch",
    )

    buffer.redis_client().set("reads:resume:before-commit", 1)
    out_first, err_first = first.communicate(timeout=WAIT)
    out_second, err_second = second.communicate(timeout=WAIT)

    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    applied = sorted([out_first.strip(), out_second.strip()])
    assert applied == ["Applied 2 reads from 1 batches.", "Applied 3 reads from 1 batches."]
    assert stored_total(world.article) == 3
    assert stored_total(world.north_own) == 2
    assert buffer.pending_batches() == []


def test_command_reports_an_unreachable_buffer_in_one_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "refresh_read_stats"],
        cwd=ROOT,
        env=child_env(REDIS_URL="redis://127.0.0.1:1"),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )

    assert result.returncode == 1
    assert result.stderr.strip().startswith("CommandError: Read buffer (Redis) unavailable")
    assert len(result.stderr.strip().splitlines()) == 1
