"""The API v2 router: every endpoint is registered here and nowhere else."""

from wagtail.api.v2.router import WagtailAPIRouter

from clinics.api import ClinicsAPIViewSet
from treatments.api.views import (
    ClinicDocumentsAPIViewSet,
    ClinicImagesAPIViewSet,
    ClinicPagesAPIViewSet,
)

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ClinicPagesAPIViewSet)
api_router.register_endpoint("images", ClinicImagesAPIViewSet)
api_router.register_endpoint("documents", ClinicDocumentsAPIViewSet)
api_router.register_endpoint("clinics", ClinicsAPIViewSet)
