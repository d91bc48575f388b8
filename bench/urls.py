"""The project's URLs plus two floors, which exist only when serving a benchmark.

``bench/floor/`` returns a listing's bytes (bench/run compares the API with it);
``bench/fixed/`` returns two bytes to any method (bench/load_reads.py compares the beacon with it).
"""

from django.urls import path

from cms.urls import urlpatterns as project_urlpatterns

from .views import fixed_bytes, floor

urlpatterns = [
    path("bench/floor/", floor),
    path("bench/fixed/", fixed_bytes),
    *project_urlpatterns,
]
