"""Snippet viewsets of local content and practitioners, every route under the branch rule.

Wagtail's snippet views check rights per instance in some routes only (edit, delete) and per
model in others (history, revisions, compare, unpublish, workflow actions, usage): each URL
naming an object is therefore answered only when the object is within the user's reach
(``BranchContentPolicy``), else 404, so another branch's title is never read either. Listings
and choosers list only the user's branches' objects.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views.chooser import (
    ChooseResultsView,
    ChooseView,
    SnippetChooserViewSet,
    SnippetChosenMultipleView,
    SnippetChosenView,
)
from wagtail.snippets.views.snippets import (
    CreateView,
    EditView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from .drift import is_stale
from .forms import LocalContentForm, PractitionerForm
from .models import LocalContent, Practitioner
from .permissions import BranchContentPolicy

local_content_policy = BranchContentPolicy(LocalContent)
practitioner_policy = BranchContentPolicy(Practitioner)


def within_reach(view, policy):
    """``view`` answering 404 when the URL's object is outside the user's branches."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            found = policy.model.objects.filter(pk=unquote(str(pk))).first()
            if found is None or not policy.user_has_any_permission_for_instance(
                request.user, ["view", "change"], found
            ):
                raise Http404
        return view(request, *args, **kwargs)

    return checked


class NarrowedChooserMixin:
    """The chooser lists, and returns, only objects of the user's branches."""

    def reachable(self):
        policy = BranchContentPolicy(self.model_class)
        return policy.instances_user_has_any_permission_for(self.request.user, ["choose"])


class NarrowedChooseView(NarrowedChooserMixin, ChooseView):
    def get_object_list(self):
        return self.reachable()


class NarrowedChooseResultsView(NarrowedChooserMixin, ChooseResultsView):
    def get_object_list(self):
        return self.reachable()


class NarrowedChosenView(NarrowedChooserMixin, SnippetChosenView):
    def get_object(self, pk):
        return self.reachable().get(pk=pk)


class NarrowedChosenMultipleView(NarrowedChooserMixin, SnippetChosenMultipleView):
    def get_objects(self, pks):
        return self.reachable().filter(pk__in=[pk for pk in pks if str(pk).isdigit()])


class BranchChooserViewSet(SnippetChooserViewSet):
    choose_view_class = NarrowedChooseView
    choose_results_view_class = NarrowedChooseResultsView
    chosen_view_class = NarrowedChosenView
    chosen_multiple_view_class = NarrowedChosenMultipleView

    def get_urlpatterns(self):
        # No creation from a chooser: a practitioner is made in its own form, for a branch.
        return [p for p in super().get_urlpatterns() if p.name != "create"]


class BranchSnippetViewSet(SnippetViewSet):
    """A snippet whose rows belong to branches (``branch``): see the module docstring."""

    chooser_viewset_class = BranchChooserViewSet

    def get_queryset(self, request):
        return self.permission_policy.instances_user_has_any_permission_for(
            request.user, ["view", "change"]
        )

    def get_urlpatterns(self):
        patterns = super().get_urlpatterns()
        for pattern in patterns:
            pattern.callback = within_reach(pattern.callback, self.permission_policy)
        return patterns


class PractitionerViewSet(BranchSnippetViewSet):
    model = Practitioner
    icon = "user"
    list_display = ["name", "title", "branch"]
    search_fields = ["name"]
    edit_handler = ObjectList(Practitioner.panels, base_form_class=PractitionerForm)


class LocalContentCreateView(CreateView):
    """``?page_choice=<alias id>`` (the link on an offered article) chooses the article."""

    def get_initial(self):
        initial = super().get_initial()
        if self.request.GET.get("page_choice", "").isdigit():
            initial["page_choice"] = self.request.GET["page_choice"]
        return initial


class LocalContentEditView(EditView):
    """The drift banner: the library text changed since the branch last reviewed its part."""

    def get(self, request, *args, **kwargs):
        if is_stale(self.live_object):
            messages.warning(
                request,
                format_html(
                    'The library published "{}" again since this local part was reviewed. '
                    '<a href="{}">Compare the library text then and now</a> and mark it reviewed.',
                    self.live_object.page.title,
                    reverse("clinics_local_drift", args=[self.live_object.pk]),
                ),
            )
        return super().get(request, *args, **kwargs)


def stale_column(local) -> str:
    return "Library changed: review" if getattr(local, "is_stale", False) else ""


class LocalContentViewSet(BranchSnippetViewSet):
    model = LocalContent
    icon = "doc-full"
    add_view_class = LocalContentCreateView
    edit_view_class = LocalContentEditView
    list_display = ["__str__", Column("branch", label="Branch"), "live"]
    edit_handler = ObjectList(LocalContent.panels, base_form_class=LocalContentForm)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("page", "branch__site")


class LocalContentGroup(SnippetViewSetGroup):
    items = (LocalContentViewSet, PractitionerViewSet)
    menu_icon = "doc-full"
    menu_label = "Local content"
    menu_name = "local-content"
