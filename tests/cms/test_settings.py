import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from cms.settings.base import celery_broker_url, redis_db_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-key-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "cms.example.org",
    "DATABASE_URL": "postgres://cms:secret@db.example.org:5432/cms",
    "REDIS_URL": "redis://redis.example.org:6379",
}


def run_django(settings_module, code, **env):
    """Run ``code`` in a fresh interpreter with only the given environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": settings_module, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_django("cms.settings.production", "pass", **env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_passes_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE here; a deployment never has it.
        env={
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            **PRODUCTION_ENV,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_is_sqlite_local_media_and_a_socket_redis():
    """With no environment, dev settings use SQLite, local files and the embedded Redis."""
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], s.STORAGES['default']['BACKEND'],"
        "s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION'], str(s.EMBEDDED_REDIS_SOCKET)]))"
    )
    result = run_django("cms.settings.dev", code)

    assert result.returncode == 0, result.stderr
    engine, storage, broker, cache, socket = json.loads(result.stdout)
    assert engine == "django.db.backends.sqlite3"
    assert storage == "django.core.files.storage.FileSystemStorage"
    assert broker == f"redis+socket://{socket}?virtual_host=2"
    assert cache == f"unix://{socket}?db=1"


def test_environment_selects_postgres_redis_and_s3():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['CONN_MAX_AGE'],"
        "s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS']['bucket_name'],"
        "s.CELERY_BROKER_URL, s.CACHES['default']['LOCATION']]))"
    )
    result = run_django(
        "cms.settings.dev",
        code,
        DATABASE_URL="postgres://u:p@h:5432/d",
        DJANGO_CONN_MAX_AGE="120",
        REDIS_URL="redis://cache:6379/",
        AWS_STORAGE_BUCKET_NAME="clinic-media",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.db.backends.postgresql",
        120,
        "storages.backends.s3.S3Storage",
        "clinic-media",
        "redis://cache:6379/2",
        "redis://cache:6379/1",
    ]


def test_redis_urls_pick_a_database_for_tcp_and_sockets():
    assert redis_db_url("redis://r:6379", 3) == "redis://r:6379/3"
    assert redis_db_url("unix:///run/r.sock", 3) == "unix:///run/r.sock?db=3"
    assert celery_broker_url("unix:///run/r.sock", 2) == "redis+socket:///run/r.sock?virtual_host=2"


def test_compose_file_defines_the_whole_system():
    """web, worker, beat, postgres and redis, all from one image, with healthchecked stores."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert {"web", "worker", "beat", "postgres", "redis"} <= set(services)
    for name in ("web", "worker", "beat"):
        assert services[name]["build"] == "."
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    assert services["worker"]["command"][:4] == ["celery", "-A", "cms", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "cms", "beat"]
    assert "healthcheck" in services["postgres"]
    assert "healthcheck" in services["redis"]
