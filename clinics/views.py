"""The library side of offering: which branches carry an article, offer it at more, withdraw."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from treatments.models import TreatmentPage
from treatments.selectors import is_library_article

from .models import ClinicBranch
from .offering import branches_carrying, offer_article, withdraw_article
from .services import ClinicError


def library_article_for(request, page_id: int) -> TreatmentPage:
    """The library article, if the user may publish it: offering puts it live on sites."""
    article = get_object_or_404(TreatmentPage, pk=page_id, alias_of__isnull=True)
    if not is_library_article(article):
        raise PermissionDenied
    if not article.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    return article


class ArticleBranchesView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "clinics/article_branches.html"
    header_icon = "site"
    page_title = "Branches"

    def dispatch(self, request, page_id):
        self.article = library_article_for(request, page_id)
        return super().dispatch(request, page_id)

    def get_breadcrumbs_items(self):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.article.pk])
        return [
            *self.breadcrumbs_items,
            {"url": edit_url, "label": self.article.title},
            {"url": "", "label": "Branches"},
        ]

    def get_header_title(self):
        return f"Branches carrying {self.article.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        carried = branches_carrying(self.article)
        context["article"] = self.article
        context["rows"] = [
            (branch, carried.get(branch.pk))
            for branch in ClinicBranch.objects.select_related("site").order_by("site__site_name")
        ]
        return context

    def post(self, request, page_id):
        branches = ClinicBranch.objects.select_related("site__root_page")
        try:
            if "withdraw" in request.POST:
                branch = get_object_or_404(branches, pk=request.POST["withdraw"])
                withdraw_article(self.article, branch)
                messages.success(request, f'"{self.article.title}" withdrawn from {branch}.')
            else:
                chosen = list(branches.filter(pk__in=request.POST.getlist("branches")))
                offered = offer_article(self.article, chosen)
                names = ", ".join(str(b) for b in chosen) if offered else "no new branch"
                messages.success(request, f'"{self.article.title}" offered at {names}.')
        except (ClinicError, ValueError) as error:
            messages.error(request, str(error))
        return redirect(reverse("clinics_article_branches", args=[self.article.pk]))
