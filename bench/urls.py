"""The project's URLs plus the floor, which exists only when serving the benchmark."""

from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns

from .views import floor

urlpatterns = [path("bench/floor/", floor), *project_urlpatterns]
