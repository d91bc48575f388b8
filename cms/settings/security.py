"""Security settings every environment shares: sign-in lockout and the Content-Security-Policy,
and the secret-key rule production enforces at boot. Star-imported by ``base``."""

from datetime import timedelta

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE

from .storage import media_origins

env = environ.Env()

# What ``base`` takes from here: the settings, not the helpers.
__all__ = [
    "AUTHENTICATION_BACKENDS",
    "AXES_FAILURE_LIMIT",
    "AXES_COOLOFF_TIME",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_CLIENT_IP_CALLABLE",
    "AXES_RESET_ON_SUCCESS",
    "AXES_LOCKOUT_TEMPLATE",
    "CONTENT_SECURITY_POLICY",
    "WAGTAIL_GRAVATAR_PROVIDER_URL",
    "WAGTAIL_ENABLE_UPDATE_CHECK",
]

# The secret key production accepts: Django's own `check --deploy` thresholds.
MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_CHARACTERS = 5
_HOW_TO_FIX = (
    "production settings (cms.settings.production, also the default when "
    "DJANGO_SETTINGS_MODULE is unset) need a random key of at least 50 characters, e.g. from "
    "python -c 'import secrets; print(secrets.token_urlsafe(50))'; for the local demo "
    "choose DJANGO_SETTINGS_MODULE=cms.settings.dev"
)


def secret_key_problem(key: str) -> str | None:
    """What is wrong with ``key`` as a production secret, in one line; None when nothing is."""
    if not key:
        return f"DJANGO_SECRET_KEY is empty or not set: {_HOW_TO_FIX}"
    if len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < MIN_SECRET_KEY_CHARACTERS:
        return f"DJANGO_SECRET_KEY is too short or too plain ({len(key)} characters): {_HOW_TO_FIX}"
    if key.startswith("django-insecure-"):
        return f"DJANGO_SECRET_KEY is one Django generated for development: {_HOW_TO_FIX}"
    return None


# Sign-in lockout (django-axes): AXES_FAILURE_LIMIT wrong passwords from one client address
# lock that address out of signing in for AXES_COOLOFF_MINUTES, whatever usernames it tries;
# by address rather than by username, so no one can lock a named editor out from elsewhere.
# The address is the one every rate uses (cms/http.py, TRUSTED_PROXY_COUNT).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_CLIENT_IP_CALLABLE = "cms.http.client_address"
# An editor's typos earlier in the day do not add up towards a lockout.
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "cms/login_locked_out.html"


# Content-Security-Policy (django-csp) on every answer: the Wagtail admin, the API docs page,
# the API. Scripts only from our own static files (Wagtail's signed-in admin pages may also
# run inline script: cms/content_policy.py). Inline styles are allowed: Wagtail's admin and
# Redoc set style attributes and inject <style> elements. Redoc builds its search index in a
# blob: worker. CSP_EXTRA_IMG_SRC adds image origins (a CDN in front of the media store).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [
            SELF,
            "data:",
            "blob:",
            *media_origins(),
            *env.list("CSP_EXTRA_IMG_SRC", default=[]),
        ],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The admin loads nothing from third parties: no Gravatar (it would also send a hash of each
# editor's e-mail address out) and no check for new Wagtail releases; operators pin versions.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
