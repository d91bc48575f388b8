"""Treatment articles: written once in the group's library, offered at branches."""

from django.core.exceptions import ValidationError
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.models import GalleryImage, hero_image_field
from cms.renditions import GalleryField, ImageRenditionsField

from .blocks import TreatmentStreamBlock

# Read statistics and clinical governance keep their models in their own packages; importing
# them here registers them.
from .governance.models import ArticleReview, ClinicalReviewer  # noqa: F401
from .governance.reviews import require_review
from .governance.workflow import ClinicalReviewTask  # noqa: F401
from .permissions import TreatmentPagePermissionTester
from .reads.models import AppliedBatch, DailyRead, ReadTotal  # noqa: F401
from .serializers import ConditionSerializer
from .slugs import unique_slug
from .widgets import ConditionsWidget


class Condition(index.Indexed, models.Model):
    """A condition a clinic treats, shared by every article that treats it."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(
        max_length=255,
        unique=True,
        blank=True,
        help_text="Partners' stable key for the condition; left empty, it is made from the name.",
    )

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            # Any script: "腰痛" and "Боль в спине" get distinct slugs, never an empty one.
            others = Condition.objects.exclude(pk=self.pk)
            self.slug = unique_slug(
                self.name,
                fallback="condition",
                taken=lambda slug: others.filter(slug=slug).exists(),
            )
        super().save(*args, **kwargs)


class TreatmentLibraryPage(Page):
    """The group's shared library: articles written once, outside every branch's site."""

    # Marks the library for the permission rules (treatments.permissions).
    is_article_library = True

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["treatments.TreatmentPage"]
    max_count = 1

    class Meta:
        verbose_name = "treatment library"


class TreatmentIndexPage(Page):
    """A branch's treatments section: aliases of library articles and its own articles."""

    intro = models.TextField(blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    api_fields = [APIField("intro")]
    parent_page_types = ["clinics.ClinicHomePage"]
    subpage_types = ["treatments.TreatmentPage"]

    class Meta:
        verbose_name = "treatment index"


class TreatmentPage(Page):
    """One treatment article: questions and answers, session guidance, conditions."""

    # Health information: publishing it needs a clinical review (treatments/governance/).
    needs_clinical_review = True

    summary = models.TextField(blank=True, help_text="Two or three sentences for listings.")
    # A field, so clients needn't parse prose for it.
    sessions_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often sessions are usually planned."
    )
    body = StreamField(TreatmentStreamBlock(), blank=True)
    conditions = ParentalManyToManyField(Condition, blank=True, related_name="treatments")
    editor_notes = models.TextField(
        blank=True,
        help_text=(
            "Left by the importer: unanswered questions and lines it could not place. Partners "
            "see neither until an editor settles them; delete each note once it is settled."
        ),
    )
    hero_image = hero_image_field("Shown at the top of the article and on cards that link to it.")

    content_panels = [
        *Page.content_panels,
        InlinePanel("other_names", label="Other name", heading="Other names"),
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("sessions_per_week"),
                InlinePanel("session_guidance", label="Sessions for a condition"),
            ],
            heading="Session guidance",
        ),
        FieldPanel("conditions", widget=ConditionsWidget),
        FieldPanel("hero_image"),
        InlinePanel("gallery_images", label="Gallery image", heading="Gallery"),
        FieldPanel("editor_notes"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("other_names", [index.SearchField("name")]),
        index.RelatedFields("conditions", [index.SearchField("name")]),
    ]
    api_fields = [
        APIField("summary"),
        APIField("other_names"),
        APIField("body"),
        APIField("sessions_per_week"),
        APIField("session_guidance"),
        APIField("conditions", serializer=ConditionSerializer(many=True, read_only=True)),
        APIField("hero_image", serializer=ImageRenditionsField()),
        APIField("gallery_images", serializer=GalleryField()),
    ]
    parent_page_types = ["treatments.TreatmentLibraryPage", "treatments.TreatmentIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = "treatment article"

    def permissions_for_user(self, user):
        # Every route of Wagtail's admin asks this: the alias and library rules, and the
        # clinical review before publishing, live there.
        return TreatmentPagePermissionTester(user, self)

    def publish(self, revision, user=None, **kwargs):
        """Publishing by a person needs a clinical review of exactly this content.

        ``ReviewedPublishTester`` refuses it up front; this also covers publishes that skip
        permission checks (a workflow's last approval) and the create view. Commands and the
        importer publish without a user, as operators.
        """
        if user is not None:
            require_review(self, revision)
        return super().publish(revision, user=user, **kwargs)


class TreatmentOtherName(Orderable):
    """Another name the treatment goes by ("IMS", "dry needling"), searchable."""

    page = ParentalKey(TreatmentPage, on_delete=models.CASCADE, related_name="other_names")
    name = models.CharField(max_length=255)

    panels = [FieldPanel("name")]
    api_fields = [APIField("name")]

    def __str__(self):
        return self.name


class TreatmentGalleryImage(GalleryImage):
    """A picture in an article's optional gallery."""

    page = ParentalKey(TreatmentPage, on_delete=models.CASCADE, related_name="gallery_images")


class SessionGuidance(Orderable):
    """How many sessions a condition usually needs: a range, or only a note ("more")."""

    page = ParentalKey(TreatmentPage, on_delete=models.CASCADE, related_name="session_guidance")
    condition = models.CharField(max_length=255, help_text='For example "Lower back pain".')
    min_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    max_sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    panels = [
        FieldPanel("condition"),
        FieldPanel("min_sessions"),
        FieldPanel("max_sessions"),
        FieldPanel("note"),
    ]
    api_fields = [
        APIField("condition"),
        APIField("min_sessions"),
        APIField("max_sessions"),
        APIField("note"),
    ]

    def __str__(self):
        return self.condition

    def clean(self):
        super().clean()
        if self.min_sessions and self.max_sessions and self.min_sessions > self.max_sessions:
            raise ValidationError({"max_sessions": "Must not be less than the minimum."})
        if self.min_sessions is None and self.max_sessions is None and not self.note:
            raise ValidationError({"note": "Give a session range, a note, or both."})


class ImportedArticle(models.Model):
    """What ``import_article`` last wrote to an article, kept beside the page.

    The file's title finds the article again on a re-import (slugs of other scripts may
    collide, titles do not), and a hash per field it wrote tells an editor's later change
    from its own: a re-import refuses to overwrite what an editor changed. Not a page field,
    so revisions and aliases never copy or restore it.
    """

    page = models.OneToOneField(
        TreatmentPage, on_delete=models.CASCADE, related_name="import_record"
    )
    title = models.CharField(max_length=255, help_text="The title in the imported file.")
    # {"title": "<sha256>", "body": "<sha256>", ...}: the fields the import wrote.
    fingerprints = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.page_id}: {self.title}"
