import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cms.settings.base import celery_broker_url, redis_db_url
from cms.settings.security import secret_key_problem

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


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with no DJANGO_SETTINGS_MODULE at all."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    base.pop("REDIS_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_settings_module_the_wsgi_app_celery_and_manage_py_run_production():
    """DEBUG and a fixed key must be asked for: no settings module means production."""
    code = (
        "import cms.wsgi, cms.celery; from django.conf import settings as s; "
        "print(s.SETTINGS_MODULE, s.DEBUG, s.IS_PRODUCTION, cms.celery.app.conf.broker_url, "
        "s.EMAIL_BACKEND)"
    )
    result = run_python(code, **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "cms.settings.production",
        "False",
        "True",
        "redis://redis.example.org:6379/2",
        # No e-mail until EMAIL_URL names a server: printed mail would break the JSON logs.
        "django.core.mail.backends.dummy.EmailBackend",
    ]

    manage = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert manage.returncode == 1
    last = manage.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is")
    assert "choose DJANGO_SETTINGS_MODULE=cms.settings.dev" in last


def test_an_empty_secret_key_as_env_example_writes_it_stops_production_at_boot():
    """``DJANGO_SECRET_KEY=`` used to start and answer 500 to everything."""
    result = run_python("import cms.wsgi", **{**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is empty or not set: "
        "production settings (cms.settings.production, also the default when "
        "DJANGO_SETTINGS_MODULE is unset) need a random key of at least 50 characters, e.g. "
        "from python -c 'import secrets; print(secrets.token_urlsafe(50))'; for the local "
        "demo choose DJANGO_SETTINGS_MODULE=cms.settings.dev"
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "is empty or not set"),
        ("short-key", "is too short or too plain (9 characters)"),
        ("a" * 60, "is too short or too plain (60 characters)"),
        ("django-insecure-" + "x1y2z3w4" * 6, "one Django generated for development"),
        (PRODUCTION_ENV["DJANGO_SECRET_KEY"], None),
    ],
)
def test_production_secret_keys_are_checked_as_check_deploy_checks_them(key, problem):
    found = secret_key_problem(key)

    assert (found is None) if problem is None else (problem in found and "\n" not in found)


def test_production_refuses_an_empty_host_list():
    result = run_django(
        "cms.settings.production", "pass", **{**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}
    )

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is empty or not set" in result.stderr


def test_dev_takes_an_empty_secret_key_as_its_own_and_prints_mail():
    """The demo never fails on an SMTP server it does not have: mail goes to the console."""
    code = (
        "from django.conf import settings as s; print(bool(s.SECRET_KEY), s.DEBUG, s.EMAIL_BACKEND)"
    )
    result = run_django("cms.settings.dev", code, DJANGO_SECRET_KEY="")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_mail_goes_where_email_url_says_and_tests_keep_it(settings):
    code = (
        "from django.conf import settings as s; "
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
    )
    result = run_django(
        "cms.settings.production",
        code,
        **PRODUCTION_ENV,
        EMAIL_URL="smtp+tls://cms:pw@mail.example.org:587",
    )

    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.org",
        "587",
        "True",
    ]
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"
