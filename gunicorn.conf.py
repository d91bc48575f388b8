"""Gunicorn settings for the web container, read from the working directory at start.

Access and error lines go to stdout as JSON, in the same shape as the application's logs
(cms.logging.JSONFormatter), so one log pipeline parses everything the container prints.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
# A worker stuck longer than this is killed and replaced (renditions are the slow path).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Behind a load balancer that keeps connections open between requests.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
accesslog = "-"
errorlog = "-"
# No client address, query string or user agent: paths and timings are enough to operate.
access_log_format = "%(m)s %(U)s %(s)s"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "cms.logging.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
