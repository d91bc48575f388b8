"""The API docs page (``/api/docs/``): Redoc served entirely from this site.

drf-spectacular's Redoc page pulls Google Fonts (dropped in ``templates/drf_spectacular``) and
Redoc's bundle draws its maker's logo from ``cdn.redoc.ly`` in the menu: a partner reading the
docs would be announced to two third parties, and the Content-Security-Policy blocks both. The
bundle is served here with that one address replaced by an inline image.
"""

from functools import cache
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from .throttling import AnonymousThrottle, PartnerKeyAuthentication, PartnerThrottle

BUNDLE = "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
REMOTE_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
# A blank image of the same role: the menu keeps its "API docs by Redocly" link text.
INLINE_LOGO = b"data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E"


@cache
def redoc_bundle() -> bytes:
    path = finders.find(BUNDLE)
    if path is None:
        raise ImproperlyConfigured(f"{BUNDLE} not found: is drf_spectacular_sidecar installed?")
    script = Path(path).read_bytes()
    if REMOTE_LOGO not in script:
        return script  # a Redoc that draws no remote logo needs no change
    return script.replace(REMOTE_LOGO, INLINE_LOGO)


@require_GET
def redoc_script(request):
    response = HttpResponse(redoc_bundle(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


class APISchemaView(SpectacularAPIView):
    """The OpenAPI document, under the API's rates: generating it costs a good second."""

    authentication_classes = [PartnerKeyAuthentication]
    throttle_classes = [AnonymousThrottle, PartnerThrottle]


class APIDocsView(SpectacularRedocView):
    """drf-spectacular's Redoc page with the bundle from ``redoc_script``, under the rates."""

    authentication_classes = [PartnerKeyAuthentication]
    throttle_classes = [AnonymousThrottle, PartnerThrottle]

    @staticmethod
    def _redoc_standalone():
        return reverse("api-docs-script")
