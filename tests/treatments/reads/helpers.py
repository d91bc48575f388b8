"""Helpers for the read statistics tests: an empty buffer, beacons as browsers send them."""

from treatments.reads import buffer

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def flush_reads_redis() -> None:
    buffer.redis_client().flushdb()


def beacon(client, page_id, site, ua=BROWSER_UA, ip="203.0.113.7", **extra):
    return client.post(
        f"/api/v2/pages/{page_id}/read/",
        data="read",
        content_type="text/plain",
        HTTP_HOST=site.hostname,
        HTTP_USER_AGENT=ua,
        REMOTE_ADDR=ip,
        **extra,
    )
