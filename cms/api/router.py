"""The API v2 router: every endpoint is registered here and nowhere else."""

from wagtail.api.v2.router import WagtailAPIRouter

from .clinics import ClinicsAPIViewSet
from .media import ClinicDocumentsAPIViewSet, ClinicImagesAPIViewSet
from .pages import ClinicPagesAPIViewSet

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ClinicPagesAPIViewSet)
api_router.register_endpoint("images", ClinicImagesAPIViewSet)
api_router.register_endpoint("documents", ClinicDocumentsAPIViewSet)
api_router.register_endpoint("clinics", ClinicsAPIViewSet)
