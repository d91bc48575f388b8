"""The reviewer's approval form, shown in the workflow's approve dialog."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.forms import TaskStateCommentForm


class ClinicalApprovalForm(TaskStateCommentForm):
    """A reviewer's approval: an optional comment and, when not the default, the next review."""

    next_review = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="When this article must be reviewed again. Empty: 12 months from today.",
    )

    def clean_next_review(self):
        value = self.cleaned_data["next_review"]
        if value and value <= timezone.localdate():
            raise ValidationError("The next review must be after today.")
        return value
