"""The read buffer: reads are counted in Redis, and a refresh moves them to the database.

Every key lives in the Redis database named by ``settings.READS_REDIS_URL``:

- ``reads:live`` (hash): ``"<original id>:<site id>:<ISO date>" -> reads`` since the last take.
- ``reads:batch:<uuid>`` (hash): a live hash a refresh has taken; listed in ``reads:pending``
  until its counts are committed to PostgreSQL and it is deleted.
- ``reads:map`` (hash): which page ids a branch serves, so a read costs no SQL (see
  ``count_read``); built from the database by ``served.rebuild_served_map``.
- ``reads:seen:<hash>``, ``reads:rate:<hash>``: the reload window and the flood throttle,
  keyed by salted hashes; ``reads:salt:<date>`` holds the day's random salt.

The client never retries a command by itself: a retried HINCRBY whose first answer was lost
would count a read twice. A read instead carries a nonce, stored with it (as the value of its
``reads:seen`` key, or of ``reads:req:<nonce>`` when the reload window is off): asking again with
the same nonce answers "counted" without counting. So when Redis dies with a read in flight
(sent, no answer), ``count_read`` asks again until Redis is back, for at most
``READS_REDIS_SETTLE`` seconds, and the beacon's 503 keeps meaning "not counted". A read that
never reached Redis (connection refused) fails at once. A refresh that fails simply runs again
on the next beat.
"""

import hashlib
import logging
import secrets
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from functools import cache

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

LIVE = "reads:live"
PENDING = "reads:pending"
BATCH_PREFIX = "reads:batch:"
MAP = "reads:map"
MAP_GENERATION = "reads:map:generation"
MAP_WRITTEN = "reads:map:written"

COUNTED, DUPLICATE, NOT_FOUND, THROTTLED, NO_MAP = range(5)

# One round trip per read: throttle, find the page at the branch, drop reloads, count.
# KEYS: map, live. ARGV: rate key, rate limit, rate window, branch field(s) (host:port, host,
# "default", or "c:<clinic>"), page id, marker key (the seen key, or reads:req:<nonce> when the
# window is 0), seen window, date, count (1) or only check (0), nonce.
_RECORD = """
if redis.call('GET', ARGV[6]) == ARGV[10] then return 0 end
local limit = tonumber(ARGV[2])
if limit > 0 then
  local n = redis.call('INCR', ARGV[1])
  if n == 1 then redis.call('EXPIRE', ARGV[1], tonumber(ARGV[3])) end
  if n > limit then return 3 end
end
if redis.call('EXISTS', KEYS[1]) == 0 then return 4 end
local site = false
for field in string.gmatch(ARGV[4], '[^ ]+') do
  site = redis.call('HGET', KEYS[1], field)
  if site then break end
end
if not site then return 2 end
local original = redis.call('HGET', KEYS[1], 'p:' .. site .. ':' .. ARGV[5])
if not original then return 2 end
if ARGV[9] == '0' then return 1 end
local window = tonumber(ARGV[7])
if window > 0 then
  if not redis.call('SET', ARGV[6], ARGV[10], 'NX', 'EX', window) then return 1 end
else
  redis.call('SET', ARGV[6], ARGV[10], 'EX', 600)
end
redis.call('HINCRBY', KEYS[2], original .. ':' .. site .. ':' .. ARGV[8], 1)
return 0
"""

# Atomic take: rename the live hash to a new batch key and list it as pending, or do nothing.
# RENAME would overwrite an existing batch, so a repeated call with the same key is refused.
_TAKE = """
if redis.call('EXISTS', KEYS[2]) == 1 or redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""


@cache
def redis_client() -> redis.Redis:
    """One client (and connection pool) per process, failing fast when Redis is away."""
    return redis.Redis.from_url(
        settings.READS_REDIS_URL,
        socket_connect_timeout=settings.READS_REDIS_TIMEOUT,
        socket_timeout=settings.READS_REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )


@cache
def script(source: str):
    return redis_client().register_script(source)


@cache
def _salt_for(day: date) -> str:
    """The day's random salt; random (not derived from a secret) so old hashes stay unlinkable."""
    r = redis_client()
    key = f"reads:salt:{day.isoformat()}"
    r.set(key, secrets.token_hex(16), nx=True, ex=2 * 24 * 3600)
    return r.get(key)


def visitor_hash(day: date, *parts: str) -> str:
    """A salted hash that identifies a visitor for one day without storing the address."""
    digest = hashlib.sha256(_salt_for(day).encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class Read:
    """One beacon, as the view parsed it; the nonce tells a retry of it from another read."""

    page_id: int
    ip: str
    user_agent: str
    branch_fields: tuple[str, ...]
    day: date
    counted: bool = True
    nonce: str = field(default_factory=lambda: uuid.uuid4().hex)


class Unreached(redis.ConnectionError):
    """Redis could not be reached: the read was never sent, so it was not counted."""


class Unanswered(redis.ConnectionError):
    """The read was sent and no answer came: whether Redis counted it is not known yet."""


def count_read(read: Read) -> int:
    """Count one read in Redis; returns COUNTED, DUPLICATE, NOT_FOUND, THROTTLED or NO_MAP.

    Raises Unreached when Redis is away, and Unanswered when Redis died with the read in
    flight and did not come back within READS_REDIS_SETTLE seconds (then, and only then, a
    read may be counted though the caller was told otherwise).
    """
    client = visitor_hash(read.day, read.ip)
    if settings.READS_DEDUP_WINDOW > 0:
        marker = f"reads:seen:{visitor_hash(read.day, read.ip, read.user_agent, str(read.page_id))}"
    else:
        marker = f"reads:req:{read.nonce}"
    keys = [MAP, LIVE]
    args = [
        f"reads:rate:{client}",
        settings.READS_THROTTLE_RATE,
        settings.READS_THROTTLE_WINDOW,
        " ".join(read.branch_fields),
        read.page_id,
        marker,
        settings.READS_DEDUP_WINDOW,
        read.day.isoformat(),
        1 if read.counted else 0,
        read.nonce,
    ]
    try:
        return int(run_script(_RECORD, keys, args))
    except Unanswered:
        # Same nonce: counted at most once, whichever attempt Redis ran.
        deadline = time.monotonic() + settings.READS_REDIS_SETTLE
        while True:
            time.sleep(0.05)
            try:
                outcome = int(run_script(_RECORD, keys, args))
            except (Unreached, Unanswered):
                if time.monotonic() > deadline:
                    raise Unanswered("Redis did not come back to answer a read") from None
            else:
                logger.warning("read settled after a lost answer", extra={"outcome": outcome})
                return outcome


def run_script(source: str, keys: list, args: list):
    """Run a Lua script on one connection, telling "never sent" from "sent, no answer".

    ``Redis.execute_command`` raises the same ConnectionError for both; a read needs to know
    which, so it takes a connection from the pool (which connects it) and sends the command
    itself.
    """
    pool = redis_client().connection_pool
    try:
        connection = pool.get_connection()
    except redis.RedisError as error:
        raise Unreached(str(error)) from error
    try:
        sha = script(source).sha
        try:
            connection.send_command("EVALSHA", sha, len(keys), *keys, *args)
            return connection.read_response()
        except redis.exceptions.NoScriptError:
            # A restarted Redis has no scripts loaded; nothing ran. Load it and run it.
            connection.send_command("SCRIPT", "LOAD", source)
            connection.read_response()
            connection.send_command("EVALSHA", sha, len(keys), *keys, *args)
            return connection.read_response()
    except redis.ResponseError:
        raise  # an answer, not a lost one: the script itself failed
    except redis.RedisError as error:
        connection.disconnect()
        raise Unanswered(str(error)) from error
    finally:
        pool.release(connection)


def take_batch() -> str | None:
    """Move the live counts to a new batch key; None when there were no reads."""
    key = f"{BATCH_PREFIX}{uuid.uuid4().hex}"
    taken = script(_TAKE)(keys=[LIVE, key, PENDING])
    return key if taken else None


def pending_batches() -> list[str]:
    """Batches taken but not yet cleaned up: left by a crash, a concurrent run, or this one."""
    return sorted(redis_client().smembers(PENDING))


def batch_counts(key: str) -> dict[tuple[int, int, date], int]:
    """A batch's counts by (original id, site id, date); empty once the batch is cleaned up."""
    counts = {}
    for name, value in redis_client().hgetall(key).items():
        original, site, day = name.split(":")
        counts[(int(original), int(site), date.fromisoformat(day))] = int(value)
    return counts


def discard_batch(key: str) -> None:
    """Forget a batch whose counts are committed (idempotent)."""
    pipe = redis_client().pipeline(transaction=True)
    pipe.delete(key)
    pipe.srem(PENDING, key)
    pipe.execute()
