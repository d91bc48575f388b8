from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments"

    def ready(self):
        from . import signals
        from .reads import signals as read_signals

        signals.connect()
        read_signals.connect()
