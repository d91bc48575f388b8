"""Server-side cache and HTTP validators for API answers.

Every answer is stored as rendered bytes under a key made of the host and the full URL, tagged
with the content version it was built from. One version covers everything an answer can show
(pages, aliases, privacy, sites, clinic settings, conditions, media, read totals): any change to
those bumps it (see ``treatments/signals.py``), so no answer outlives the data it was built
from. Reading the version and the answer is one Redis round trip (``get_many``).

The version is read before the database is, and bumped again after the writing transaction
commits: an answer built from data read before a commit carries the older version and is never
served after the commit's bump.
"""

import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from .renderers import ORJSONRenderer, to_json

VERSION_KEY = "api:content-version"


def new_version() -> str:
    """The bump's time (it becomes Last-Modified) and a random part, so two bumps never match."""
    return f"{time.time():.6f}:{secrets.token_hex(4)}"


def bump_version() -> None:
    # No timeout: an evicted version would restart at a value older answers may carry.
    cache.set(VERSION_KEY, new_version(), timeout=None)


def version_time(version: str) -> int:
    return math.ceil(float(version.split(":", 1)[0]))


def _ensure_version(found: str | None) -> str:
    if found is not None:
        return found
    cache.add(VERSION_KEY, new_version(), timeout=None)
    return cache.get(VERSION_KEY)


def answer_key(request) -> str:
    raw = f"{request.get_host()}\n{request.get_full_path()}".encode()
    return "api:answer:" + hashlib.blake2b(raw, digest_size=20).hexdigest()


class CachedAnswerMixin:
    """For API views: ``cached(request, build)`` answers from the cache or builds and stores.

    Only JSON answers with status 200 are stored; the browsable API and errors never are.
    Every stored or built JSON answer gets ETag, Last-Modified and Cache-Control, and a
    conditional GET that matches gets 304.
    """

    def cached(self, request, build, *args, **kwargs):
        if not isinstance(request.accepted_renderer, ORJSONRenderer):
            return build(request, *args, **kwargs)
        key = answer_key(request)
        found = cache.get_many([VERSION_KEY, key]) if settings.API_SERVER_CACHE else {}
        version = _ensure_version(found.get(VERSION_KEY))
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return self.http_answer(request, *stored[1:])

        response = build(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = to_json(response.data)
        etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
        last_modified = version_time(version)
        if settings.API_SERVER_CACHE:
            cache.set(key, (version, body, etag, last_modified), settings.API_CACHE_TIMEOUT)
        return self.http_answer(request, body, etag, last_modified)

    def http_answer(self, request, body: bytes, etag: str, last_modified: int):
        response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
        response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
        patch_vary_headers(response, ["Accept"])
        return get_conditional_response(
            request._request, etag=etag, last_modified=last_modified, response=response
        )
