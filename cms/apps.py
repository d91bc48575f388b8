from django.apps import AppConfig


class CmsConfig(AppConfig):
    """Project-wide pieces that belong to no one content area: media models, run commands."""

    name = "cms"
    label = "cms"
    verbose_name = "Clinic CMS"
