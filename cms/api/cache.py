"""Server-side cache, HTTP validators and cache tags for API answers.

Every answer is stored as rendered bytes under a key made of the host and the full URL, with
the *tags* of what it shows and the version each tag had when the answer was built:

``g``
    everything: sites, privacy, collections, conditions, images and documents, moves
``s<site id>``
    everything a clinic's pages answers show of the clinic itself (its settings)
``l<site id>``
    which pages a clinic's listings show, and what they show of them
``p<page id>``
    one page's own answer: its content and its read count (a page id belongs to one clinic,
    since every branch's copy of a library article is a page of its own)
``rl<site id>``
    the read counts a clinic's listings show
``m`` / ``c``
    the media endpoints / the clinics endpoint

A change bumps the versions of its tags (``invalidate``, called by ``signals``), so exactly
the answers that show it are rebuilt: publishing a library article bumps its copies' ``p`` tags
and those clinics' ``l`` tags; a read refresh bumps the ``p`` tags of the articles whose totals
moved and the ``rl`` tags of the clinics showing them; a draft bumps nothing. The same tags go to
the HTTP cache in front (``xkey``, ``Surrogate-Key``, ``Cache-Tag``), and once the change
commits, a purge by tag is sent there (``tasks.purge_http_cache``).

Redis down: the cache ignores its connection errors (settings: ``IGNORE_EXCEPTIONS``), so
reads miss and writes are dropped; here a missing sequence or tag version then stands for a
fresh one, nothing is stored, and every answer is built from the database. A bump that cannot
be made is kept in the database (``MissedInvalidation``) and replayed once Redis is back, so a
Redis that returns with its data never serves what a change made meanwhile outdated.

Consistency: a build reads the bump sequence (one key every bump rewrites) before it reads the
database and again after it has read the tag versions; the answer is stored only when no bump
came in between. So an answer built from data read before a commit is never stored under
versions read after the commit's bump. Each bump is made at once (for this process) and again
after the commit (for everyone else).
"""

import functools
import hashlib
import logging
import math
import secrets
import threading
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from .missed import forget_missed, missed_rows, record_missed
from .renderers import ORJSONRenderer, to_json
from .throttling import KEY_HEADER, AnonymousThrottle

logger = logging.getLogger(__name__)

# What a Redis that is down or unreachable raises through django-redis.
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)

SEQUENCE_KEY = "api:bumps"
TAG_PREFIX = "api:tag:"
EVERYTHING = "g"


def new_version() -> str:
    """The bump's time (it becomes Last-Modified) and a random part, so two bumps never match."""
    return f"{time.time():.6f}:{secrets.token_hex(4)}"


def version_time(version: str) -> int:
    return math.ceil(float(version.split(":", 1)[0]))


def tag_key(tag: str) -> str:
    return TAG_PREFIX + tag


def bump(tags: Iterable[str]) -> None:
    """New versions for ``tags`` and the sequence, in one write.

    Redis down must not fail the change (a publish, a refresh) that is being made. Answers
    cannot be served or stored meanwhile; the tags are kept in the database so a Redis that
    comes back with its data gets them bumped (``replay_missed``).
    """
    tags = set(tags)
    if not tags:
        return
    try:
        write_versions(tags)
    except CACHE_ERRORS:
        logger.warning("API cache: could not bump %s", sorted(tags), exc_info=True)
        record_missed(tags)


def write_versions(tags: set[str]) -> None:
    """One new version for ``tags`` and the sequence, written at once; raises when Redis is away.

    No timeout: an evicted tag would come back at a new version, which only costs a rebuild.
    The cache itself ignores connection errors (IGNORE_EXCEPTIONS), so a write through it
    cannot tell a bump made from one dropped; django-redis's client underneath raises them.
    """
    version = new_version()
    values = {tag_key(tag): version for tag in tags}
    values[SEQUENCE_KEY] = version
    client = getattr(cache, "client", None)
    (client if hasattr(client, "set_many") else cache).set_many(values, timeout=None)


def replay_missed() -> int:
    """Bump and purge the tags kept while Redis was away; returns how many rows were settled.

    Rows are deleted only after their bump reached Redis, so a replay during another outage
    keeps them for the next one.
    """
    rows = missed_rows()
    if not rows:
        return 0
    tags = set().union(*(row_tags for _, row_tags in rows))
    try:
        write_versions(tags)
    except CACHE_ERRORS:
        logger.warning("API cache still unavailable: %d missed invalidations kept", len(rows))
        return 0
    from .purge import request_http_purge

    request_http_purge(tags)
    forget_missed(rows[-1][0])
    logger.info("missed invalidations replayed", extra={"rows": len(rows), "tags": len(tags)})
    return len(rows)


_pending = threading.local()


def invalidate(tags: Iterable[str]) -> None:
    """Outdate every answer carrying one of ``tags``: now, and again once the change commits.

    Tags wait in this thread until the commit, so a transaction that changes many pages sends
    one purge to the HTTP cache. Tags of a transaction that rolled back ride along with the next
    flush: an extra purge is harmless, a missing one is not.
    """
    tags = set(tags)
    if not tags:
        return
    bump(tags)
    pending = getattr(_pending, "tags", None)
    if pending is None:
        pending = _pending.tags = set()
    pending |= tags
    transaction.on_commit(_flush_pending)


def _flush_pending() -> None:
    tags = getattr(_pending, "tags", None)
    if not tags:
        return
    _pending.tags = set()
    bump(tags)
    from .purge import request_http_purge

    request_http_purge(tags)


def answer_key(request) -> str:
    """Scheme and host are part of it: answers carry URLs on the host they were asked on."""
    raw = f"{request.scheme}://{request.get_host()}\n{request.get_full_path()}".encode()
    return "api:answer:" + hashlib.blake2b(raw, digest_size=20).hexdigest()


def answer_response(
    request, body: bytes, etag: str, last_modified: int, tags: Iterable[str] | None, hit: bool
) -> HttpResponse:
    """A stored or built answer with its validators and tags; 304 when the client's copy matches.

    No tags means an answer no cache may keep (``order=random``).
    """
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    if tags is None:
        response["Cache-Control"] = "no-store"
    else:
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
        add_cache_tags(response, tags)
    response["X-Answer-Cache"] = "HIT" if hit else "MISS"
    patch_vary_headers(response, ["Accept"])
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


def add_cache_tags(response, tags: Iterable[str]) -> None:
    """The answer's tags for the HTTP cache in front, in the header each kind of cache reads.

    ``xkey`` is Varnish's (vmod xkey), ``Surrogate-Key`` Fastly's and others', ``Cache-Tag``
    Cloudflare's and Akamai's. ``Surrogate-Control`` tells a shared cache how long to keep the
    answer (purges make it fresh sooner); browsers and partners keep ``Cache-Control``'s time.
    """
    tags = sorted(tags)
    response["xkey"] = " ".join(tags)
    response["Surrogate-Key"] = " ".join(tags)
    response["Cache-Tag"] = ",".join(tags)
    response["Surrogate-Control"] = f"max-age={settings.API_SURROGATE_MAX_AGE}"


# Accept values DRF's negotiation answers with the JSON renderer (the first one) for sure.
JSON_ACCEPTS = frozenset(["*/*", "application/json", "application/*"])


def _wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT")
    if accept and any(
        part.split(";", 1)[0].strip() not in JSON_ACCEPTS for part in accept.split(",")
    ):
        return False
    return "format=" not in request.META.get("QUERY_STRING", "")


def _is_random(request) -> bool:
    return request.GET.get("order") == "random"


def stored_answer(key: str) -> tuple | None:
    """The answer stored under ``key`` if every tag it carries still has its version.

    Two round trips: the answer (which names its tags), then the tags' versions. With Redis
    down there is no stored answer: the view builds it from the database.
    """
    try:
        stored = cache.get(key)
        if stored is None:
            return None
        tags, versions = stored[0], stored[1]
        current = cache.get_many([tag_key(tag) for tag in tags]) or {}
    except CACHE_ERRORS:
        logger.warning("API cache unavailable: answering from the database", exc_info=True)
        return None
    if tuple(current.get(tag_key(tag)) for tag in tags) != versions:
        return None
    return stored


def _current_sequence() -> str | None:
    """None when Redis is down: the answer is then built and not stored."""
    try:
        found = cache.get(SEQUENCE_KEY)
        if found is None:
            cache.add(SEQUENCE_KEY, new_version(), timeout=None)
            found = cache.get(SEQUENCE_KEY)
    except CACHE_ERRORS:
        return None
    return found


def _versions_now(tags: tuple[str, ...]) -> tuple[str | None, tuple[str, ...]]:
    """The sequence and each tag's version; a tag never bumped gets its first version."""
    keys = [SEQUENCE_KEY, *(tag_key(tag) for tag in tags)]
    try:
        found = cache.get_many(keys) or {}
        missing = [key for key in keys[1:] if key not in found]
        if missing:
            for key in missing:
                cache.add(key, new_version(), timeout=None)
            found.update(cache.get_many(missing) or {})
    except CACHE_ERRORS:
        found = {}
    # A version the cache cannot give (it is down) is a fresh one: Last-Modified is now.
    versions = tuple(found.get(tag_key(tag)) or new_version() for tag in tags)
    return found.get(SEQUENCE_KEY), versions


def serve_stored_first(view):
    """Wrap a listing or detail view: a stored answer whose tags are current skips DRF.

    Building the request, negotiation, authentication and the view cost several times what
    serving stored bytes does (docs/performance.md). Only what DRF would answer the same way
    takes this path: GET, JSON by Accept and no ``format``, no partner key (anonymous; the
    anonymous rate is still counted here), and an answer stored for this host and URL whose
    tags all still have the versions it was built under, which only a 200 of the same request
    ever stored. Anything else, including a throttled client, goes through the view as before.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            settings.API_SERVER_CACHE
            and request.method == "GET"
            and KEY_HEADER not in request.META
            and _wants_json(request)
        ):
            stored = stored_answer(answer_key(request))
            if stored is not None and AnonymousThrottle().allow_request(request, None):
                tags, _, body, etag, last_modified = stored
                return answer_response(request, body, etag, last_modified, tags, hit=True)
        return view(request, *args, **kwargs)

    return wrapper


class CachedAnswerMixin:
    """For API views: ``cached(request, build)`` answers from the cache or builds and stores.

    Only JSON answers with status 200 are stored; the browsable API, errors and
    ``order=random`` never are. Every stored or built JSON answer gets ETag, Last-Modified
    (the newest of its tags' versions, so it is per clinic and per page), Cache-Control and its
    cache tags, and a conditional GET that matches gets 304. Views say what an answer shows in
    ``answer_tags``, called after the build.
    """

    def answer_tags(self) -> set[str]:
        return {EVERYTHING}

    def cached(self, request, build, *args, **kwargs):
        if not isinstance(request.accepted_renderer, ORJSONRenderer):
            return build(request, *args, **kwargs)
        use_cache = settings.API_SERVER_CACHE and not _is_random(request)
        key = answer_key(request)
        if use_cache:
            stored = stored_answer(key)
            if stored is not None:
                tags, _, body, etag, last_modified = stored
                return self.http_answer(request, body, etag, last_modified, tags, hit=True)
        sequence_before = _current_sequence()

        response = build(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = to_json(response.data)
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        tags = tuple(sorted(self.answer_tags()))
        sequence_after, versions = _versions_now(tags)
        last_modified = max(version_time(version) for version in versions)
        if use_cache and sequence_before is not None and sequence_after == sequence_before:
            try:
                cache.set(
                    key, (tags, versions, body, etag, last_modified), settings.API_CACHE_TIMEOUT
                )
            except CACHE_ERRORS:
                logger.warning("API cache unavailable: answer not stored", exc_info=True)
        if _is_random(request):
            tags = None
        return self.http_answer(request, body, etag, last_modified, tags, hit=False)

    def http_answer(self, request, body: bytes, etag: str, last_modified: int, tags, hit: bool):
        return answer_response(request._request, body, etag, last_modified, tags, hit)

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if actions and actions.get("get") in ("listing_view", "detail_view"):
            return serve_stored_first(view)
        return view
