"""Operational endpoints for load balancers and orchestrators.

Liveness answers whether this process can serve at all and touches nothing else, so a
database outage never gets healthy web containers restarted. Readiness checks what a
request needs (database, Redis, media storage) so a balancer stops sending traffic to a
container that cannot serve it.
"""

import logging

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_redis import get_redis_connection

logger = logging.getLogger(__name__)

# Looked up, never written: exists() proves the store answers with our credentials.
STORAGE_PROBE_KEY = "health/probe"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_redis() -> None:
    # get() would hide a connection failure as a miss; the client's ping raises instead.
    get_redis_connection("default").ping()


def check_storage() -> None:
    default_storage.exists(STORAGE_PROBE_KEY)


CHECKS = {"database": check_database, "redis": check_redis, "storage": check_storage}
# Parts the site serves without, and what a client notices meanwhile.
DEGRADABLE = {
    "redis": "answers are built from the database; reads are not counted (503 to beacons)",
}


@never_cache
@require_GET
def live(request):
    """JSON: ``{"status": "ok"}``."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def ready(request):
    """JSON: ``{"status": "ok", "checks": {"database": "ok", "redis": "ok", "storage": "ok"}}``.

    A failing part reads ``"error"``. Without Redis the site still serves, slower: 200
    ``"degraded"`` with ``"degraded": {"redis": "<what clients notice>"}``, so a balancer keeps
    sending traffic. Any other failure is 503 ``"unavailable"``. The reason goes to the log
    only, since this endpoint is public.
    """
    checks = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:  # any failure means "not ready", whatever raised it
            logger.warning("readiness check failed", extra={"check": name}, exc_info=True)
            checks[name] = "error"
        else:
            checks[name] = "ok"
    failing = {name for name, value in checks.items() if value != "ok"}
    if failing - DEGRADABLE.keys():
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    if failing:
        degraded = {name: DEGRADABLE[name] for name in sorted(failing)}
        return JsonResponse({"status": "degraded", "checks": checks, "degraded": degraded})
    return JsonResponse({"status": "ok", "checks": checks})


def server_error(request):
    """A 500 under ``/api/`` is JSON like every other API answer; elsewhere Django's page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": "Internal server error."}, status=500)
    return defaults.server_error(request)
