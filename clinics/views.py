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
from .offering import branches_carrying, branches_withdrawn, offer_article, withdraw_article
from .services import ClinicError


def may_offer(user, article: TreatmentPage) -> bool:
    """Offering puts the article's published version on sites: it takes the right to publish
    in the library. Not ``can_publish()``, which also asks for a review of the latest draft
    (treatments.governance): a draft in review never stops offering the published version.
    Cheap: the tester's rights come from the user's cached group permissions, no query."""
    return user.is_superuser or "publish" in article.permissions_for_user(user).permissions


def library_article_for(request, page_id: int) -> TreatmentPage:
    """The library article, if the user may offer it."""
    article = get_object_or_404(TreatmentPage, pk=page_id, alias_of__isnull=True)
    if not is_library_article(article) or not may_offer(request.user, article):
        raise PermissionDenied
    return article


def branch_ids(values: list[str]) -> list[int]:
    """The posted branch ids that are numbers; anything else is no branch."""
    return [int(value) for value in values if value.isdigit()]


class LibraryArticleMixin(WagtailAdminTemplateMixin):
    header_icon = "site"

    def dispatch(self, request, page_id, **kwargs):
        self.article = library_article_for(request, page_id)
        return super().dispatch(request, page_id, **kwargs)

    @property
    def branches_url(self) -> str:
        return reverse("clinics_article_branches", args=[self.article.pk])

    def get_breadcrumbs_items(self):
        edit_url = reverse("wagtailadmin_pages:edit", args=[self.article.pk])
        return [
            *self.breadcrumbs_items,
            {"url": edit_url, "label": self.article.title},
            {"url": self.branches_url, "label": "Branches"},
        ]


class ArticleBranchesView(LibraryArticleMixin, TemplateView):
    template_name = "clinics/article_branches.html"
    page_title = "Branches"

    def get_header_title(self):
        return f"Branches carrying {self.article.title}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        carried = branches_carrying(self.article)
        withdrawn = branches_withdrawn(self.article)
        context["article"] = self.article
        context["rows"] = [
            (branch, carried.get(branch.pk), withdrawn.get(branch.pk))
            for branch in ClinicBranch.objects.select_related("site").order_by("site__site_name")
        ]
        return context

    def post(self, request, page_id):
        branches = ClinicBranch.objects.select_related("site__root_page")
        chosen = list(branches.filter(pk__in=branch_ids(request.POST.getlist("branches"))))
        try:
            offered = offer_article(self.article, chosen)
        except ClinicError as error:
            messages.error(request, str(error))
        else:
            names = ", ".join(str(b) for b in chosen) if offered else "no new branch"
            messages.success(request, f'"{self.article.title}" offered at {names}.')
        return redirect(self.branches_url)


class WithdrawArticleView(LibraryArticleMixin, TemplateView):
    """Withdrawing takes a live article off a partner's site: asked first, done on POST."""

    template_name = "clinics/withdraw_article.html"
    page_title = "Withdraw"

    def dispatch(self, request, page_id, branch_id):
        self.branch = get_object_or_404(
            ClinicBranch.objects.select_related("site__root_page"), pk=branch_id
        )
        return super().dispatch(request, page_id, branch_id=branch_id)

    def get_header_title(self):
        return f"Withdraw {self.article.title} from {self.branch}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["article"] = self.article
        context["branch"] = self.branch
        context["alias"] = branches_carrying(self.article).get(self.branch.pk)
        context["branches_url"] = self.branches_url
        return context

    def post(self, request, page_id, branch_id):
        if withdraw_article(self.article, self.branch):
            messages.success(request, f'"{self.article.title}" withdrawn from {self.branch}.')
        else:
            messages.warning(request, f'{self.branch} does not show "{self.article.title}".')
        return redirect(self.branches_url)
