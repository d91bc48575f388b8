"""Admin for webhooks (Settings > Webhook endpoints): endpoints, their deliveries, replays.

Only users with the endpoint model's permissions (admins: no branch group gets them) see the
menu item or reach any of these views; each view checks it again where data changes. A
replay is a POST (CSRF protected), never a link.
"""

from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Site

from cms.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint, WebhookEventType
from cms.sites import clinic_sites

from . import webhook_tasks, webhooks
from .webhook_signing import new_secret

DELIVERIES_SHOWN = 200


class WebhookEndpointForm(WagtailAdminModelForm):
    """Partners are the names in ``API_PARTNER_KEYS``; clinics are the branches' Sites."""

    partner = forms.ChoiceField(choices=())
    url = forms.URLField(label="URL", max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        choices=WebhookEventType.choices, widget=forms.CheckboxSelectMultiple
    )
    clinics = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["partner", "url", "clinics", "event_types", "owner_email", "paused"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(name, name) for name in settings.API_PARTNER_KEYS]
        self.fields["clinics"].queryset = Site.objects.filter(
            pk__in=[site.pk for site in clinic_sites()]
        )

    def save(self, commit=True):
        endpoint = super().save(commit=False)
        if not endpoint.secret:
            endpoint.secret = new_secret()
        if not endpoint.paused and endpoint.paused_at is not None:  # unpaused: a fresh start
            endpoint.paused_at = None
            endpoint.active_since = timezone.now()
        if commit:
            endpoint.save()
            self.save_m2m()
        return endpoint


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = "Webhook endpoints"
    add_to_settings_menu = True
    name = "webhooks"
    list_display = [
        "url",
        "partner",
        "paused",
        TitleColumn(
            "deliveries",
            label="Deliveries",
            accessor=lambda endpoint: "Deliveries",
            get_url=lambda endpoint: reverse("webhooks:deliveries", args=[endpoint.pk]),
        ),
        Column("created_at", label="Created"),
    ]

    def get_form_class(self, for_update=False):
        return WebhookEndpointForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("deliveries/<int:pk>/", self.deliveries_view, name="deliveries"),
            path("rotate/<int:pk>/", self.rotate_view, name="rotate"),
            path("replay-failed/<int:pk>/", self.replay_failed_view, name="replay_failed"),
            path("replay/<int:delivery_id>/", self.replay_view, name="replay"),
        ]

    def check_admin(self, request) -> None:
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied

    def deliveries_view(self, request, pk):
        self.check_admin(request)
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        deliveries = (
            WebhookDelivery.objects.filter(endpoint=endpoint)
            .select_related("event")
            .order_by("-created_at", "-pk")[:DELIVERIES_SHOWN]
        )
        return TemplateResponse(
            request,
            "cms/webhooks/deliveries.html",
            {
                "endpoint": endpoint,
                "deliveries": deliveries,
                "failed": DeliveryStatus.FAILED,
                "succeeded": DeliveryStatus.SUCCEEDED,
                "since_default": (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
                "header_title": f"Deliveries to {endpoint.url}",
            },
        )

    def replay_view(self, request, delivery_id):
        return require_POST(self._replay)(request, delivery_id)

    def _replay(self, request, delivery_id):
        self.check_admin(request)
        delivery = get_object_or_404(WebhookDelivery, pk=delivery_id)
        webhook_tasks.replay(WebhookDelivery.objects.filter(pk=delivery.pk))
        messages.success(request, f"Delivery of event {delivery.event_id} queued again.")
        return redirect("webhooks:deliveries", delivery.endpoint_id)

    def replay_failed_view(self, request, pk):
        return require_POST(self._replay_failed)(request, pk)

    def _replay_failed(self, request, pk):
        self.check_admin(request)
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        since = parse_since(request.POST.get("since", ""))
        if since is None:
            messages.error(request, "Give the time to replay failed deliveries from.")
        else:
            count = webhook_tasks.replay(webhooks.failed_since(endpoint, since))
            messages.success(request, f"{count} failed deliveries queued again.")
        return redirect("webhooks:deliveries", endpoint.pk)

    def rotate_view(self, request, pk):
        return require_POST(self._rotate)(request, pk)

    def _rotate(self, request, pk):
        self.check_admin(request)
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        webhooks.rotate_secret(endpoint)
        messages.success(
            request, "New secret made; the previous one keeps signing during the grace period."
        )
        return redirect("webhooks:deliveries", endpoint.pk)


def parse_since(value: str) -> datetime | None:
    """``2026-12-01T08:00`` (a datetime-local input, read as UTC) or a date; else None."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
