from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments"

    def ready(self):
        from . import signals
        from .api import rich_text  # noqa: F401  registers the clinic page link handler

        signals.connect()
