"""Partner keys and request rates for the public API.

A partner sends its key in the ``X-API-Key`` header and gets its own, larger allowance;
everyone else shares the anonymous allowance per client address. Keys come from the
``API_PARTNER_KEYS`` setting (``name=key`` pairs), never from the database, so checking one
costs no query.
"""

import hmac
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.throttling import BaseThrottle

from cms.http import client_address

KEY_HEADER = "HTTP_X_API_KEY"


@dataclass(frozen=True)
class Partner:
    name: str


def partner_for_key(key: str) -> Partner | None:
    for name, expected in settings.API_PARTNER_KEYS.items():
        if hmac.compare_digest(key.encode(), expected.encode()):
            return Partner(name)
    return None


class PartnerKeyAuthentication(BaseAuthentication):
    """No key: anonymous. A wrong key: 401, so a partner notices instead of being throttled."""

    def authenticate(self, request):
        key = request.META.get(KEY_HEADER)
        if key is None:
            return None
        partner = partner_for_key(key)
        if partner is None:
            raise exceptions.AuthenticationFailed("unknown API key")
        return (None, partner)

    def authenticate_header(self, request):
        return "X-API-Key"


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """``"600/minute"`` -> (600, 60); ``None`` or ``"none"`` turns throttling off."""
    if not rate or rate == "none":
        return None
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


# Counts while the shared cache is unreachable: per process, so a client gets at most the
# rate times the number of web processes, not an unlimited allowance.
local_counts = LocMemCache("api-throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def count_request(store, key: str, period: int) -> int | None:
    """This window's count for ``key`` after adding one; None when ``store`` is unreachable."""
    try:
        store.add(key, 0, timeout=period + 1)
        try:
            count = store.incr(key)
        except ValueError:  # expired between add and incr: this is the window's first request
            store.set(key, 1, timeout=period + 1)
            count = 1
    except redis.RedisError:
        return None
    return count  # None too when the cache ignores its connection errors


class FixedWindowThrottle(BaseThrottle):
    """Counts requests per client in fixed windows with one Redis counter.

    DRF's SimpleRateThrottle keeps (and rewrites) a list of timestamps per client on every
    request; a counter costs two small commands at any rate.
    """

    scope = ""

    def applies(self, request) -> bool:
        raise NotImplementedError

    def client(self, request) -> str:
        raise NotImplementedError

    def allow_request(self, request, view):
        rate = parse_rate(settings.API_THROTTLE_RATES.get(self.scope))
        if rate is None or not self.applies(request):
            return True
        limit, period = rate
        window = int(time.time() // period)
        self.retry_after = (window + 1) * period - time.time()
        key = f"api:throttle:{self.scope}:{self.client(request)}:{window}"
        count = count_request(cache, key, period)
        if count is None:  # Redis is down: this process counts alone until it is back
            count = count_request(local_counts, key, period)
        return count <= limit

    def wait(self):
        return max(self.retry_after, 0)


class AnonymousThrottle(FixedWindowThrottle):
    scope = "anon"

    def applies(self, request):
        # A plain Django request (the stored-answer path) has no auth: it is anonymous.
        return getattr(request, "auth", None) is None

    def client(self, request):
        return client_address(request)


class PartnerThrottle(FixedWindowThrottle):
    scope = "partner"

    def applies(self, request):
        return isinstance(request.auth, Partner)

    def client(self, request):
        return request.auth.name
