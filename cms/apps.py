from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide pieces that belong to no one content area: media models, the partner API,
    run commands. Its ready() wires the API, which sits above every app, to their signals."""

    name = "cms"
    label = "cms"
    verbose_name = "Clinic CMS"

    def ready(self):
        from .api import change_signals, rich_text, signals  # noqa: F401  rich_text: link handler

        signals.connect()
        change_signals.connect()
