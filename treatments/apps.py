from django.apps import AppConfig


class TreatmentsConfig(AppConfig):
    name = "treatments"
    verbose_name = "Treatments"

    def ready(self):
        from .governance import signals as governance_signals
        from .reads import signals

        signals.connect()
        governance_signals.connect()
