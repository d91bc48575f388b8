"""The client's address, read the same way by every rate and by the read beacon.

Behind ``TRUSTED_PROXY_COUNT`` proxies (a load balancer, a CDN) the connection comes from the
last proxy and the client is that many entries from the right of ``X-Forwarded-For``; entries
further left were written by the client and prove nothing. With no trusted proxy the header is
ignored: taking it as given would let a client pick a new address per request and so a new
allowance.
"""

from django.conf import settings


def client_address(request) -> str:
    hops = settings.TRUSTED_PROXY_COUNT
    if hops:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
