"""Drift views: the library text then and now for one local part, marking it reviewed, and the
group-wide report of what each branch says locally and what is stale."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from ..groups import LIBRARY_EDITORS
from .drift import comparison, is_stale, mark_reviewed, with_original_live_revision
from .models import LocalContent
from .viewsets import local_content_policy


def local_content_for(request, pk: int, action: str) -> LocalContent:
    """The local part if the user is staff of its branch (else 404: its title stays unseen)."""
    local = get_object_or_404(LocalContent.objects.select_related("page", "branch__site"), pk=pk)
    if not local_content_policy.user_has_permission_for_instance(request.user, action, local):
        raise Http404
    return local


class DriftView(WagtailAdminTemplateMixin, TemplateView):
    """The library text the branch last reviewed against beside the text live now."""

    template_name = "clinics/local/drift.html"
    header_icon = "history"
    page_title = "Library changes"

    def dispatch(self, request, pk):
        self.local = local_content_for(request, pk, "view")
        return super().dispatch(request, pk)

    def get_header_title(self):
        return f"Library changes to {self.local.page.title} since {self.local.branch} reviewed"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        parts = comparison(self.local)
        context.update(
            local=self.local,
            parts=parts,
            stale=is_stale(self.local),
            edit_url=reverse("wagtailsnippets_clinics_localcontent:edit", args=[self.local.pk]),
            reviewed_url=reverse("clinics_local_reviewed", args=[self.local.pk]),
        )
        return context


class MarkReviewedView(TemplateView):
    """POST only: the branch's staff record that their local part fits the library text now."""

    http_method_names = ["post"]

    def post(self, request, pk):
        local = local_content_for(request, pk, "change")
        mark_reviewed(local)
        messages.success(request, f'Local content of "{local.page.title}" marked reviewed.')
        return redirect("wagtailsnippets_clinics_localcontent:edit", local.pk)


def may_read_report(user) -> bool:
    return user.is_superuser or user.groups.filter(name=LIBRARY_EDITORS).exists()


LOCAL_PARTS = [
    ("intro", "introduction"),
    ("closing", "closing note"),
    ("offered_times", "times"),
    ("price_note", "price note"),
    ("booking_url", "booking link"),
]


def local_parts(local: LocalContent) -> list[str]:
    parts = [label for field, label in LOCAL_PARTS if getattr(local, field)]
    count = len(local.practitioners.all())
    if count:
        parts.append(f"{count} practitioner{'s' if count > 1 else ''}")
    if local.hidden_questions:
        parts.append(f"{len(local.hidden_questions)} hidden question(s)")
    return parts


class LocalContentReportView(WagtailAdminTemplateMixin, TemplateView):
    """Group-wide: per article and branch, what is local and whether it is stale."""

    template_name = "clinics/local/report.html"
    header_icon = "doc-full"
    page_title = "Local content report"

    def dispatch(self, request, *args, **kwargs):
        if not may_read_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contents = with_original_live_revision(
            LocalContent.objects.select_related("page", "branch__site").prefetch_related(
                "practitioners"
            )
        ).order_by("page__title", "branch__site__site_name")
        context["rows"] = [
            {
                "article": local.page.title,
                "branch": str(local.branch),
                "live": local.live,
                "draft": local.has_unpublished_changes,
                "parts": local_parts(local),
                "stale": local.reviewed_against_id != local.original_live_revision,
            }
            for local in contents
        ]
        return context
