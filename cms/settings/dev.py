"""The embedded default: the README's run command uses these settings."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development only: a fixed key so sessions survive restarts; an empty DJANGO_SECRET_KEY= (as
# .env.example writes it) means this one too. production.py refuses both.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or "dev-only-insecure-key-not-for-production"
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])
