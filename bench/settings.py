"""Production-like settings the benchmark serves this project with.

As in production: DEBUG off, persistent database connections, the Redis cache, the same
middleware. Unlike production: plain HTTP on loopback (no SSL redirect), any Host (the branches'
hostnames are made up), a bench URLconf adding the framework floor, and quiet logs.
"""

from pathlib import Path

from cms.settings.base import *  # noqa: F403
from cms.settings.base import env

SECRET_KEY = "bench-only-key"  # noqa: S105 - loopback benchmark, never deployed
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# wrk sends thousands of requests a second from one address: the partner API's rates, the read
# beacon's flood throttle and its reload window would answer 429 or drop the reads uncounted.
# Off here ("none" and 0 are the documented off values), so the beacon's figure is the cost of
# counting a read; production keeps them on.
API_THROTTLE_RATES = {"anon": "none", "partner": "none"}
READS_THROTTLE_RATE = 0
READS_DEDUP_WINDOW = 0

# Fixed bytes the floor view returns: the runner writes this project's listing of 20 there.
BENCH_FLOOR_FILE = Path(env("BENCH_FLOOR_FILE", default=str(VAR_DIR / "bench-floor.json")))  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
