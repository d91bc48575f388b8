"""Server-side cache and HTTP validators for API answers.

Every answer is stored as rendered bytes under a key made of the host and the full URL, tagged
with the content version it was built from. One version covers everything an answer can show
(pages, aliases, privacy, sites, clinic settings, conditions, media, read totals): any change to
those bumps it (see ``signals``), so no answer outlives the data it was built
from. Reading the version and the answer is one Redis round trip (``get_many``).

The version is read before the database is, and bumped again after the writing transaction
commits: an answer built from data read before a commit carries the older version and is never
served after the commit's bump.
"""

import functools
import hashlib
import logging
import math
import secrets
import time

import redis
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from .renderers import ORJSONRenderer, to_json
from .throttling import KEY_HEADER, AnonymousThrottle

logger = logging.getLogger(__name__)

VERSION_KEY = "api:content-version"


def new_version() -> str:
    """The bump's time (it becomes Last-Modified) and a random part, so two bumps never match."""
    return f"{time.time():.6f}:{secrets.token_hex(4)}"


def bump_version() -> None:
    # No timeout: an evicted version would restart at a value older answers may carry.
    try:
        cache.set(VERSION_KEY, new_version(), timeout=None)
    except redis.RedisError:
        logger.warning("api content version not bumped: cache unavailable")


def version_time(version: str) -> int:
    return math.ceil(float(version.split(":", 1)[0]))


def _ensure_version(found: str | None) -> str:
    """The current content version; with the cache down, a fresh one (nothing is stored)."""
    if found is not None:
        return found
    try:
        cache.add(VERSION_KEY, new_version(), timeout=None)
        return cache.get(VERSION_KEY) or new_version()
    except redis.RedisError:
        return new_version()


def answer_key(request) -> str:
    """Scheme and host are part of it: answers carry URLs on the host they were asked on."""
    raw = f"{request.scheme}://{request.get_host()}\n{request.get_full_path()}".encode()
    return "api:answer:" + hashlib.blake2b(raw, digest_size=20).hexdigest()


def answer_response(request, body: bytes, etag: str, last_modified: int) -> HttpResponse:
    """A stored or built answer with its validators; 304 when the client's copy matches."""
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
    patch_vary_headers(response, ["Accept"])
    return get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )


# Accept values DRF's negotiation answers with the JSON renderer (the first one) for sure.
JSON_ACCEPTS = frozenset(["*/*", "application/json", "application/*"])


def _wants_json(request) -> bool:
    accept = request.META.get("HTTP_ACCEPT")
    if accept and any(
        part.split(";", 1)[0].strip() not in JSON_ACCEPTS for part in accept.split(",")
    ):
        return False
    return "format=" not in request.META.get("QUERY_STRING", "")


def is_storable(request) -> bool:
    """``order=random`` must differ on every request: such answers are never stored."""
    return request.GET.get("order") != "random"


def _version_and_answer(key: str) -> tuple[str | None, tuple | None]:
    """The content version and the stored answer under ``key``: one MGET.

    django-redis keeps one client per process, so this costs the round trip and two unpickles.
    """
    try:
        found = cache.get_many([VERSION_KEY, key]) or {}
    except redis.RedisError:  # the cache is down: build from the database
        return None, None
    return found.get(VERSION_KEY), found.get(key)


def serve_stored_first(view):
    """Wrap a listing or detail view: a stored answer of the current version skips DRF.

    Building the request, negotiation, authentication and the view cost several times what
    serving stored bytes does (docs/performance.md). Only what DRF would answer the same way
    takes this path: GET, JSON by Accept and no ``format``, no partner key (anonymous; the
    anonymous rate is still counted here), and an answer stored for this host and URL under the
    current content version, which only a 200 of the same request ever stored. Anything else,
    including a throttled client, goes through the view as before.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            settings.API_SERVER_CACHE
            and request.method == "GET"
            and is_storable(request)
            and KEY_HEADER not in request.META
            and _wants_json(request)
        ):
            version, stored = _version_and_answer(answer_key(request))
            if (
                stored is not None
                and stored[0] == version
                and AnonymousThrottle().allow_request(request, None)
            ):
                return answer_response(request, *stored[1:])
        return view(request, *args, **kwargs)

    return wrapper


def _store(key: str, answer: tuple) -> None:
    try:
        cache.set(key, answer, settings.API_CACHE_TIMEOUT)
    except redis.RedisError:
        logger.warning("api answer not stored: cache unavailable")


class CachedAnswerMixin:
    """For API views: ``cached(request, build)`` answers from the cache or builds and stores.

    Only JSON answers with status 200 are stored; the browsable API and errors never are.
    Every stored or built JSON answer gets ETag, Last-Modified and Cache-Control, and a
    conditional GET that matches gets 304.
    """

    def cached(self, request, build, *args, **kwargs):
        if not isinstance(request.accepted_renderer, ORJSONRenderer):
            return build(request, *args, **kwargs)
        storing = settings.API_SERVER_CACHE and is_storable(request)
        key = answer_key(request)
        found, stored = _version_and_answer(key) if storing else (None, None)
        version = _ensure_version(found)
        if stored is not None and stored[0] == version:
            return self.http_answer(request, *stored[1:])

        response = build(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = to_json(response.data)
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        last_modified = version_time(version)
        if storing:
            _store(key, (version, body, etag, last_modified))
        response = self.http_answer(request, body, etag, last_modified)
        if not is_storable(request):
            response["Cache-Control"] = "no-store"  # nor may a CDN or browser keep it
        return response

    def http_answer(self, request, body: bytes, etag: str, last_modified: int):
        return answer_response(request._request, body, etag, last_modified)

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if actions and actions.get("get") in ("listing_view", "detail_view"):
            return serve_stored_first(view)
        return view
