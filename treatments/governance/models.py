"""Reviewers and the review records.

Registered under the treatments app (imported by ``treatments.models``). Articles are named by
string so this module never imports the article models: those import it.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

# The group whose members may open the admin to review; membership follows ClinicalReviewer.
REVIEWERS_GROUP = "Clinical reviewers"


class ClinicalReviewer(index.Indexed, models.Model):
    """A qualified person who approves articles' clinical content, named in structured data.

    The record, not a group membership, is what lets a user approve a clinical review: its
    name and credentials are what an approval shows to readers (``reviewedBy``).
    """

    name = models.CharField(max_length=255, help_text="As readers should see it.")
    credentials = models.CharField(
        max_length=255, help_text='For example "MD, Physical Medicine and Rehabilitation".'
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="clinical_reviewer",
        help_text="The login this reviewer approves articles with in the admin.",
    )
    active = models.BooleanField(
        default=True, help_text="Only active reviewers may approve and are told of due reviews."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("credentials"),
        FieldPanel("user"),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


def reviewer_for(user) -> ClinicalReviewer | None:
    """The active reviewer record of ``user``, cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_clinical_reviewer"):
        user._clinical_reviewer = ClinicalReviewer.objects.filter(user=user, active=True).first()
    return user._clinical_reviewer


class ReviewFlag(models.TextChoices):
    NONE = "", "Not due"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"


class ArticleReview(models.Model):
    """The last clinical review of an article: who, when, what content, and when next.

    Kept off the page and keyed by the original article: restoring a revision or publishing
    into aliases copies page fields, and would bring back or spread an old review.
    """

    page = models.OneToOneField(
        "treatments.TreatmentPage", on_delete=models.CASCADE, related_name="clinical_review"
    )
    reviewer = models.ForeignKey(ClinicalReviewer, on_delete=models.PROTECT, related_name="reviews")
    reviewed_at = models.DateTimeField()
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"body": "<sha256>", ...}: the clinical content fields as reviewed (reviews.CONTENT).
    fingerprints = models.JSONField(default=dict)
    next_review = models.DateField()
    # Set by the daily task; a change of flag is what reviewers are told about.
    flag = models.CharField(max_length=10, choices=ReviewFlag.choices, default="", blank=True)
    flagged_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["next_review"])]

    def __str__(self):
        return f"{self.page_id} reviewed {self.reviewed_at:%Y-%m-%d}"


def reviewers_group() -> Group:
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    return group
