"""The admin forms of local content and practitioners, narrowed to the editor's branch."""

from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.images import get_image_model

from treatments.models import TreatmentPage

from ..models import ClinicBranch
from .models import Practitioner
from .selectors import branch_ids_where, offered_without_local, original_of, questions
from .services import LocalContentError, prepare_local_content


def _branches(user):
    branches = ClinicBranch.objects.select_related("site")
    return branches if user.is_superuser else branches.filter(pk__in=branch_ids_where(user))


class PractitionerForm(WagtailAdminModelForm):
    """A practitioner of one of the editor's branches, pictured from that branch's collection."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is not None and "branch" in self.fields:
            self.fields["branch"].queryset = _branches(for_user)
            if self.instance.pk is None and self.fields["branch"].queryset.count() == 1:
                self.fields["branch"].initial = self.fields["branch"].queryset.get()
        self.fields["photo"].queryset = get_image_model().objects.all()


class LocalContentForm(WagtailAdminModelForm):
    """Local content of one offered article: the shared questions appear as checkboxes to hide.

    On creation the article is chosen among the editor's branches' offered articles without
    a local part; afterwards it is fixed. Only the branch's own practitioners are offered.
    """

    hidden_questions = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Shared questions hidden at this branch",
        help_text="Ticked questions are left out of the article at this branch only.",
    )
    # Creation only: which offered article the local part is for.
    page_choice = forms.ModelChoiceField(
        queryset=TreatmentPage.objects.none(), label="Article", help_text="An article offered here."
    )

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.for_user = for_user
        if self.instance.pk is None and for_user is not None:
            self.fields["page_choice"].queryset = offered_without_local(for_user)
        elif self.instance.pk is not None:
            del self.fields["page_choice"]
        page = self._page()
        self.fields["hidden_questions"].choices = questions(original_of(page)) if page else []
        branch = self.instance.branch if self.instance.branch_id else None
        if branch is None and page is not None:
            branch = prepare_local_content(type(self.instance)(page=page)).branch
        self._narrow_practitioners(branch)

    def _page(self):
        if self.instance.page_id:
            return self.instance.page
        if "page_choice" not in self.fields:
            return None
        value = self.data.get(self.add_prefix("page_choice")) or self.initial.get("page_choice")
        if value and str(value).isdigit():
            return self.fields["page_choice"].queryset.filter(pk=value).first()
        return None

    def _narrow_practitioners(self, branch):
        formset = self.formsets.get("practitioners")
        if formset is None:
            return
        allowed = Practitioner.objects.filter(branch=branch)
        base = formset.form

        class BranchPractitionerForm(base):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["practitioner"].queryset = allowed

        # Before the formset builds its forms (lazily), so every form and the empty one
        # offer only the branch's practitioners.
        formset.form = BranchPractitionerForm

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("page_choice"):
            self.instance.page = cleaned["page_choice"]
            try:
                prepare_local_content(self.instance)
            except LocalContentError as error:
                raise ValidationError(str(error)) from error
        return cleaned
