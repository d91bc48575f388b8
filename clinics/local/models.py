"""A branch's practitioners and the local part of each article it offers."""

from django import forms
from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    Page,
    Revision,
    RevisionMixin,
    WorkflowMixin,
)
from wagtail.search import index

LOCAL_TEXT_FEATURES = ["bold", "italic", "link", "ul", "ol"]


class Practitioner(index.Indexed, models.Model):
    """Someone who performs treatments at one branch, named on that branch's articles."""

    branch = models.ForeignKey(
        "clinics.ClinicBranch", on_delete=models.CASCADE, related_name="practitioners"
    )
    name = models.CharField(max_length=255)
    title = models.CharField(
        max_length=255, blank=True, help_text='For example "Physiotherapist, MSc".'
    )
    photo = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="From the branch's own collection.",
    )

    panels = [FieldPanel("branch"), FieldPanel("name"), FieldPanel("title"), FieldPanel("photo")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.title}" if self.title else self.name

    def clean(self):
        super().clean()
        if self.photo_id and self.branch_id:
            allowed = self.branch.collection.get_descendants(inclusive=True)
            if not allowed.filter(pk=self.photo.collection_id).exists():
                raise ValidationError({"photo": "Choose a picture from the branch's collection."})


class LocalContent(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """One branch's additions to one offered article (an alias page), never its shared text.

    Drafts, revisions and approval by the branch's moderators come from Wagtail's mixins; the
    API shows the published version only (``live``: the row holds the live content while a
    draft waits in a revision). ``reviewed_against`` is the library original's revision the
    branch last checked its additions against (``drift``): it is kept out of revisions, so
    publishing an older draft never undoes a review.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="local_content")
    # The page's branch, kept on the row so rights and listings filter on one column.
    branch = models.ForeignKey(
        "clinics.ClinicBranch",
        on_delete=models.CASCADE,
        related_name="local_contents",
        editable=False,
    )
    intro = RichTextField(
        blank=True, features=LOCAL_TEXT_FEATURES, help_text="Shown before the shared text."
    )
    closing = RichTextField(
        blank=True, features=LOCAL_TEXT_FEATURES, help_text="Shown after the shared text."
    )
    offered_times = models.TextField(
        blank=True, help_text='When this branch offers it, e.g. "Tuesdays and Thursdays 9-13".'
    )
    price_note = models.TextField(blank=True, help_text="Price or insurance note.")
    booking_url = models.URLField(blank=True, help_text="Booking link for this service here.")
    # Block ids of the library body's questions this branch leaves out.
    hidden_questions = models.JSONField(default=list, blank=True)
    reviewed_against = models.ForeignKey(
        Revision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="localcontent")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="localcontent",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("page_choice"),
        FieldPanel("intro"),
        InlinePanel("practitioners", label="Practitioner", heading="Practitioners here"),
        MultiFieldPanel(
            [FieldPanel("offered_times"), FieldPanel("price_note"), FieldPanel("booking_url")],
            heading="Booking",
        ),
        FieldPanel("hidden_questions"),
        FieldPanel("closing"),
    ]

    class Meta:
        verbose_name = "local content"
        verbose_name_plural = "local content"

    def __str__(self):
        return f"{self.page.title} at {self.branch}"

    @property
    def revisions(self):
        return self._revisions

    def get_workflow(self):
        """The branch's own local-content workflow: its moderators approve, no one else."""
        workflow = self.branch.local_workflow if self.branch_id else None
        return workflow if workflow is not None and workflow.active else None

    def with_content_json(self, content):
        """A revision restores the local text, never the review state (see the class)."""
        obj = super().with_content_json(content)
        obj.reviewed_against_id = self.reviewed_against_id
        obj.reviewed_at = self.reviewed_at
        obj.branch_id = self.branch_id
        obj.page_id = self.page_id
        return obj

    def clean(self):
        super().clean()
        if not isinstance(self.hidden_questions, list) or not all(
            isinstance(item, str) for item in self.hidden_questions
        ):
            raise ValidationError({"hidden_questions": "A list of question ids."})


class LocalPractitioner(Orderable):
    """A practitioner named on a local part, in the order the branch chose."""

    local = ParentalKey(LocalContent, on_delete=models.CASCADE, related_name="practitioners")
    practitioner = models.ForeignKey(Practitioner, on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("practitioner", widget=forms.Select)]

    def clean(self):
        super().clean()
        if (
            self.practitioner_id
            and self.local.branch_id
            and self.practitioner.branch_id != self.local.branch_id
        ):
            raise ValidationError({"practitioner": "Choose one of this branch's practitioners."})
