"""Settings shared by every environment, read from the environment via django-environ.

The defaults are the embedded ones a newcomer gets from the README's run command:
SQLite, local media files and a Redis server on a unix socket under ``var/``
(``manage.py rundemo`` starts it).
"""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from corsheaders.defaults import default_headers as cors_default_headers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded Redis listens on this socket; see cms/embedded_redis.py.
EMBEDDED_REDIS_SOCKET = Path(
    env("EMBEDDED_REDIS_SOCKET", default=str(VAR_DIR / "redis" / "redis.sock"))
)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# True only in production.py: commands that would weaken a deployment (load_demo) ask first.
IS_PRODUCTION = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cms",
    "clinics",
    "treatments",
    "wagtail.api.v2",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "storages",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A forged or cut-short admin form answers 400, not 500 (cms/admin_requests.py).
    "cms.admin_requests.MalformedAdminRequestMiddleware",
    # django-csp, loosened for the admin's inline scripts only (cms/content_policy.py).
    "cms.content_policy.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cms" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections nearly double stock Wagtail's API throughput (shared anchor results).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis, three roles, each in its own database: cache (1), Celery broker (2),
# and the read-counter buffer (3). REDIS_URL names the server; a database number in it (the
# form managed services hand out) is replaced per role, credentials and TLS are kept.
REDIS_URL = env("REDIS_URL", default=f"unix://{EMBEDDED_REDIS_SOCKET}").rstrip("/")


def redis_db_url(url: str, db: int) -> str:
    """The Redis URL pointed at one database: TCP, TLS (rediss://) and unix-socket URLs alike."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "db"] + [("db", str(db))]
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{db}"))


def celery_broker_url(url: str, db: int) -> str:
    """Kombu spells a unix-socket Redis as redis+socket:// and picks the db by virtual_host;
    over TLS it insists on being told how to check certificates (verify them, by default)."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"redis+socket://{parts.path}?virtual_host={db}"
    broker = redis_db_url(url, db)
    if parts.scheme == "rediss" and "ssl_cert_reqs" not in parts.query:
        broker += ("&" if urlsplit(broker).query else "?") + "ssl_cert_reqs=required"
    return broker


CACHES = {
    "default": {
        # django-redis: one client per process and a public way to reach it
        # (django_redis.get_redis_connection), which the API's answer cache and health use.
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": env("CACHE_URL", default=redis_db_url(REDIS_URL, 1)),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="cms"),
        "TIMEOUT": env.int("CACHE_TIMEOUT", default=600),
        # The cache is an accelerator: with Redis down, reads miss and writes are dropped
        # (logged), and every page is built from the database instead of answering 500.
        # Wagtail's own cache use (site root paths) included. Short timeouts keep an
        # unreachable Redis from holding web workers.
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_CONNECT_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
READS_REDIS_URL = env("READS_REDIS_URL", default=redis_db_url(REDIS_URL, 3))

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=celery_broker_url(REDIS_URL, 2))
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = "UTC"
# Tasks outside an app's own tasks.py: the read refresh lives with the read statistics.
CELERY_IMPORTS = [
    "treatments.reads.tasks",
    "treatments.governance.tasks",
    "cms.api.tasks",
    "cms.api.purge",
]

# Read statistics (docs/read-statistics.md). A beacon waits at most this long for Redis
# before answering 503, so an outage never holds web workers.
READS_REDIS_TIMEOUT = env.float("READS_REDIS_TIMEOUT", default=0.5)
# A beacon whose read was sent when Redis died asks again (counting it at most once) for up to
# this many seconds, so its 503 still means "not counted" across a Redis restart.
READS_REDIS_SETTLE = env.float("READS_REDIS_SETTLE", default=5.0)
# A reload by the same visitor (salted hash of address, user agent, page) within this many
# seconds counts once; 0 counts every beacon.
READS_DEDUP_WINDOW = env.int("READS_DEDUP_WINDOW", default=30 * 60)
# At most this many beacons per client address per window, then 429; 0 turns it off.
READS_THROTTLE_RATE = env.int("READS_THROTTLE_RATE", default=120)
READS_THROTTLE_WINDOW = env.int("READS_THROTTLE_WINDOW", default=60)
READS_CRAWLER_UA_REGEX = env(
    "READS_CRAWLER_UA_REGEX",
    default=r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|"
    r"curl|wget|python-requests|python-urllib|httpclient|go-http-client|java/|monitor|pingdom",
)
READS_REFRESH_INTERVAL = env.float("READS_REFRESH_INTERVAL", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "refresh-read-stats": {
        "task": "treatments.tasks.refresh_read_stats",
        "schedule": READS_REFRESH_INTERVAL,
        # A refresh queued while no worker ran is pointless once the next one is due.
        "options": {"expires": READS_REFRESH_INTERVAL},
    },
    # Cache tags a change could not bump while Redis was away, bumped once it is back.
    "replay-missed-invalidations": {
        "task": "cms.api.replay_missed_invalidations",
        "schedule": env.float("API_INVALIDATION_REPLAY_INTERVAL", default=15.0),
        "options": {"expires": env.float("API_INVALIDATION_REPLAY_INTERVAL", default=15.0)},
    },
    # Webhook deliveries made while the broker was down (cms/api/webhook_tasks.py).
    "sweep-webhook-deliveries": {
        "task": "cms.api.sweep_webhook_deliveries",
        "schedule": 300.0,
        "options": {"expires": 300},
    },
    # Change events past SYNC_EVENT_RETENTION_DAYS (cms/api/sync.py).
    "prune-change-events": {
        "task": "cms.api.prune_change_events",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 12 * 3600},
    },
    # Daily: flags articles whose clinical review is due or overdue and tells the reviewers.
    "flag-due-reviews": {
        "task": "treatments.governance.tasks.flag_due_reviews",
        "schedule": crontab(hour=6, minute=0),
        "options": {"expires": 12 * 3600},
    },
}
# Clinical review (treatments/governance/): an approval holds this many months; an article is
# "due" this many days before its next review date, "overdue" after it.
CLINICAL_REVIEW_INTERVAL_MONTHS = env.int("CLINICAL_REVIEW_INTERVAL_MONTHS", default=12)
CLINICAL_REVIEW_DUE_DAYS = env.int("CLINICAL_REVIEW_DUE_DAYS", default=30)
# The last approval of a workflow publishes, without the approver's own publish rights: a
# clinical reviewer approves last (treatments/governance/workflow.py).
WAGTAIL_FINISH_WORKFLOW_ACTION = "treatments.governance.publishing.publish_workflow_state"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# E-mail (Wagtail's moderation notifications, password resets) from one URL, e.g.
# smtp+tls://user:password@mail.example.org:587. Unset, mail is printed to the console: the
# demo never fails on an SMTP server it does not have. Production sends none unless set.
EMAIL_URL = env("EMAIL_URL", default="")
vars().update(env.email_url_config(EMAIL_URL or "consolemail://"))
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="cms@localhost")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = env("DJANGO_MEDIA_URL", default="/media/")

# Media: local files, or S3 when a bucket is configured (storage.py).
from .storage import AWS_STORAGE_BUCKET_NAME, STORAGES  # noqa: E402, F401

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", default="Clinic CMS")
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILIMAGES_IMAGE_MODEL = "cms.CustomImage"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env.int("WAGTAILDOCS_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
# Uploads are checked by content, not by name: see cms/forms.py.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.forms.DocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.forms.ImageForm"
# No SVG: it can carry scripts, and partners embed these files on their own sites.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env.int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", default=10 * 1024 * 1024)
# Decoding cost grows with pixels, not bytes: a small file can still be a decompression bomb.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env.int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", default=40_000_000)
# Unset, API URLs (detail_url, find's redirect) use the request's scheme and host
# (cms/api/serializers.py); set it to give the API one public address.
WAGTAILAPI_BASE_URL = env("WAGTAILAPI_BASE_URL", default="") or None
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILAPI_SEARCH_ENABLED = True
# Answers carry HTML with links resolved to the clinic's public URLs (cms/api/rich_text.py).
WAGTAILAPI_RICH_TEXT_FORMAT = "html"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

# Partner API (cms/api/): answers stored in Redis until content changes
# (API_SERVER_CACHE=false turns that off, validators and headers stay), Cache-Control max-age
# for CDNs and browsers, request rates per client ("none" turns a rate off) and partner keys
# given as name=key pairs: API_PARTNER_KEYS=acme=s3cret,beta=other.
API_SERVER_CACHE = env.bool("API_SERVER_CACHE", default=True)
API_CACHE_TIMEOUT = env.int("API_CACHE_TIMEOUT", default=24 * 3600)
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=60)
# Listings and details assembled from pages rendered once (cms/api/documents.py).
API_DELIVERY_DOCUMENTS = env.bool("API_DELIVERY_DOCUMENTS", default=True)
# Render a published page's documents in a worker right after the commit.
API_DOCUMENTS_PRERENDER = env.bool("API_DOCUMENTS_PRERENDER", default=True)
# How long a shared cache in front (Varnish, a CDN) may keep an answer: purges by tag end it
# sooner (docs/deploy.md). Browsers and partners keep API_CACHE_MAX_AGE.
API_SURROGATE_MAX_AGE = env.int("API_SURROGATE_MAX_AGE", default=24 * 3600)
# HTTP caches that take PURGE with an xkey header, e.g. http://cache:80 (docker-compose).
HTTP_CACHE_PURGE_URLS = env.list("HTTP_CACHE_PURGE_URLS", default=[])
HTTP_CACHE_PURGE_TIMEOUT = env.float("HTTP_CACHE_PURGE_TIMEOUT", default=5.0)
API_THROTTLE_RATES = {
    "anon": env("API_THROTTLE_ANON", default="1200/minute"),
    "partner": env("API_THROTTLE_PARTNER", default="12000/minute"),
}
API_PARTNER_KEYS = env.dict("API_PARTNER_KEYS", default={})
# Which clinics' per-branch read history each partner may read, by clinic slug:
# API_PARTNER_CLINICS=acme=north;south,beta=west. Branch staff signed in to the admin read
# their own branch's; everyone reads the group-wide history.
API_PARTNER_CLINICS = {
    name: [slug for slug in slugs.split(";") if slug]
    for name, slugs in env.dict("API_PARTNER_CLINICS", default={}).items()
}
# Partner change feed (/api/v2/sync/, cms/api/sync.py): how long a token stays good, and how
# long change events are kept; a token older than either is answered 410 (start over).
SYNC_TOKEN_MAX_AGE = env.int("SYNC_TOKEN_MAX_AGE", default=30 * 24 * 3600)
SYNC_EVENT_RETENTION_DAYS = env.int("SYNC_EVENT_RETENTION_DAYS", default=45)
# Webhooks (cms/api/webhooks.py): request timeout, retries with exponential backoff (seconds),
# an endpoint failing this long without a success is paused, a rotated secret keeps signing
# this long, pending deliveries older than this are swept into the queue.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_MAX_RETRIES = env.int("WEBHOOK_MAX_RETRIES", default=10)
WEBHOOK_RETRY_BACKOFF = env.float("WEBHOOK_RETRY_BACKOFF", default=30.0)
WEBHOOK_RETRY_BACKOFF_MAX = env.float("WEBHOOK_RETRY_BACKOFF_MAX", default=3 * 3600.0)
WEBHOOK_PAUSE_AFTER = env.int("WEBHOOK_PAUSE_AFTER", default=24 * 3600)
WEBHOOK_SECRET_GRACE = env.int("WEBHOOK_SECRET_GRACE", default=24 * 3600)
WEBHOOK_SWEEP_AGE = env.float("WEBHOOK_SWEEP_AGE", default=120.0)
SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic CMS API",
    "DESCRIPTION": "Treatment articles and clinic branches for partner websites.",
    "VERSION": "2",
    # The schema is generated and validated by the test suite; at deploy-check time the
    # database may be out of reach, and Wagtail's views need it to build their serializers.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page serves Redoc from our static files: no third-party CDN in partners' way.
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["cms.api.schema.public_endpoints_only"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cms.api.schema.document_read_beacon",
        "cms.api.schema.add_links",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
}

# Trusted proxies in front of the web server (load balancer, CDN): the client is this many
# entries from the right of X-Forwarded-For; 0 uses the connection's address (cms/http.py).
# Every rate and the read beacon read the address this way. READS_PROXY_COUNT is its old name.
TRUSTED_PROXY_COUNT = env.int(
    "TRUSTED_PROXY_COUNT", default=env.int("READS_PROXY_COUNT", default=0)
)

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
# A partner's browser code sends its key and revalidates stored answers, and reads the
# validators and when to retry after a 429.
CORS_ALLOW_HEADERS = (*cors_default_headers, "x-api-key", "if-none-match", "if-modified-since")
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]

# Largest article file import_article accepts; real articles are a few KiB.
IMPORT_ARTICLE_MAX_BYTES = env.int("IMPORT_ARTICLE_MAX_BYTES", default=1024 * 1024)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    # Wagtail logs every page action and background task at INFO; its audit log keeps them.
    "loggers": {
        "wagtail": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
        # django-axes: lockouts and failures (WARNING) stay, its start-up banner goes.
        "axes": {"level": "WARNING"},
    },
}

# Where load_demo finds the seed article (the real article the tests use too).
DEMO_CONTENT_DIR = Path(env("DEMO_CONTENT_DIR", default=str(BASE_DIR / "tests" / "fixtures")))

# Sign-in lockout, Content-Security-Policy, the production secret-key rule.
from .security import *  # noqa: E402, F403
