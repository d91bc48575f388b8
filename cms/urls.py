from django.conf import settings
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import views
from .api.docs import APIDocsView, APISchemaView, redoc_script
from .api.reads import ReadHistoryView, read_beacon
from .api.router import api_router
from .api.sync import SyncAPIView


@csrf_exempt  # a POST to a mistyped URL is a 404, not a CSRF refusal
def api_not_found(request, *args, **kwargs):
    """Any other /api/ URL (a malformed id, a typo) answers JSON, as the endpoints do."""
    return JsonResponse({"message": "not found"}, status=404)


handler500 = "cms.views.server_error"

urlpatterns = [
    # Before Wagtail's admin: its choosers, bulk confirmations and reports, narrowed to what
    # a branch's staff may know of (clinics/narrowed_views.py).
    path("admin/", include("clinics.admin_urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("health/live/", views.live, name="health-live"),
    path("health/ready/", views.ready, name="health-ready"),
    path("api/schema/", APISchemaView.as_view(), name="api-schema"),
    path("api/docs/", APIDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/docs/redoc.standalone.js", redoc_script, name="api-docs-script"),
    # Before the router, whose pages/<id>/ routes would otherwise not match these.
    path("api/v2/pages/<int:pk>/read/", read_beacon, name="page_read"),
    path("api/v2/pages/<int:pk>/reads/", ReadHistoryView.as_view(), name="page_read_history"),
    path("api/v2/sync/", SyncAPIView.as_view(), name="sync"),
    path("api/v2/", api_router.urls),
    re_path(r"^api/", api_not_found),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
