from django.apps import AppConfig


class ClinicsConfig(AppConfig):
    name = "clinics"
    verbose_name = "Clinic branches"

    def ready(self):
        from . import signals
        from .listing_filters import narrow_page_listing_filters
        from .local import signals as local_signals

        narrow_page_listing_filters()
        signals.connect()
        local_signals.connect()
