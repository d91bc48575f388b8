from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from treatments.api.reads import ReadHistoryView, record_read

from . import views
from .api import api_router

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before the router, whose pages/<id>/ routes would otherwise not match these.
    path("api/v2/pages/<int:pk>/read/", record_read, name="page_read"),
    path("api/v2/pages/<int:pk>/reads/", ReadHistoryView.as_view(), name="page_read_history"),
    path("api/v2/", api_router.urls),
    path("health/live/", views.live, name="health-live"),
    path("health/ready/", views.ready, name="health-ready"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
