"""Purges by cache tag, sent to the HTTP caches in front of the API after content changes.

The web process never waits for a cache tier: ``request_http_purge`` queues one task per
committed change, and the task sends ``PURGE`` with the tags in an ``xkey`` header to every
URL in ``HTTP_CACHE_PURGE_URLS`` (Varnish with vmod xkey, cms/varnish/default.vcl). A cache
that is down is retried with backoff; a purge is idempotent, so a redelivered task is harmless.
"""

import logging
import urllib.error
import urllib.request
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings

from .missed import record_missed

logger = logging.getLogger(__name__)

# Varnish keeps request headers under 8 KB by default: send long tag lists in parts.
MAX_HEADER_LENGTH = 4000


def request_http_purge(tags: Iterable[str]) -> None:
    if not settings.HTTP_CACHE_PURGE_URLS:
        return
    tags = sorted(set(tags))
    try:
        purge_http_cache.delay(tags)
    except Exception:
        # The broker is away: keep the tags; the replay purges them once it is back.
        logger.warning("could not queue an HTTP cache purge", exc_info=True)
        record_missed(tags)


def tag_chunks(tags: list[str]) -> Iterable[str]:
    chunk: list[str] = []
    for tag in tags:
        if chunk and len(" ".join([*chunk, tag])) > MAX_HEADER_LENGTH:
            yield " ".join(chunk)
            chunk = []
        chunk.append(tag)
    if chunk:
        yield " ".join(chunk)


def purge_url(url: str, keys: str) -> None:
    request = urllib.request.Request(url, method="PURGE", headers={"xkey": keys})  # noqa: S310
    with urllib.request.urlopen(request, timeout=settings.HTTP_CACHE_PURGE_TIMEOUT):  # noqa: S310
        pass


@shared_task(
    name="cms.api.purge_http_cache",
    acks_late=True,
    autoretry_for=(OSError, urllib.error.URLError),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=8,
)
def purge_http_cache(tags: list[str]) -> int:
    """PURGE ``tags`` at every configured HTTP cache; returns the number of requests sent."""
    sent = 0
    for url in settings.HTTP_CACHE_PURGE_URLS:
        for keys in tag_chunks(tags):
            purge_url(url, keys)
            sent += 1
    logger.info("http cache purged", extra={"tags": len(tags), "requests": sent})
    return sent
