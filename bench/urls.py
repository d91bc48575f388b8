"""The project's URLs plus the floor: a Django view that returns fixed bytes."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from cms.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def fixed_bytes(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/fixed/", fixed_bytes), *project_urlpatterns]
