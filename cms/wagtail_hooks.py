"""Admin hooks of the project layer: the webhook endpoints under Settings."""

from wagtail import hooks

from .api.webhook_admin import WebhookEndpointViewSet


@hooks.register("register_admin_viewset")
def register_webhook_endpoints():
    return WebhookEndpointViewSet()
