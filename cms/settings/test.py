"""Tests run against PostgreSQL and Redis, as production does."""

import os

from .base import *  # noqa: F403
from .base import celery_broker_url, env, redis_db_url

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/clinic_cms")
}
DATABASES["default"]["CONN_MAX_AGE"] = 0

# Each xdist worker gets its own Redis database so cache and read buffers never mix.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379").rstrip("/")
_BASE_DB = env.int("TEST_REDIS_DB_BASE", default=0)
CACHES["default"]["LOCATION"] = redis_db_url(REDIS_URL, _BASE_DB + 3 * _WORKER + 1)
CELERY_BROKER_URL = celery_broker_url(REDIS_URL, _BASE_DB + 3 * _WORKER + 2)
READS_REDIS_URL = redis_db_url(REDIS_URL, _BASE_DB + 3 * _WORKER + 3)

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "test-media")

# Redeliver a killed worker's task quickly (tests/treatments/test_tasks.py kills workers).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

# Mail stays in django.core.mail.outbox, where tests read it; never an SMTP connection.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Sign-in lockout off: Django's test client signs in without a request, which django-axes
# refuses, and every live-server test signs in from 127.0.0.1. tests/cms/test_security.py
# turns it on and proves the lockout over HTTP.
AXES_ENABLED = False

# Answers render the documents they lack themselves; tests that run a worker turn this on.
API_DOCUMENTS_PRERENDER = env.bool("API_DOCUMENTS_PRERENDER", default=False)
