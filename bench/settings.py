"""Settings for the load script: production-like (DEBUG off) with a floor view added."""

from cms.settings.base import *  # noqa: F403
from cms.settings.base import LOGGING, STORAGES, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="bench-only-key-not-secret")
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.urls"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
LOGGING["root"]["level"] = "WARNING"
