"""Treatment articles: written once in the group's library, offered at branches."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import slugify
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from cms.api_fields import GalleryField, ImageRenditionsField
from cms.models import GalleryImage

from .api.serializers import ConditionSerializer
from .blocks import TreatmentStreamBlock


@register_snippet
class Condition(index.Indexed, models.Model):
    """A condition a clinic treats, shared by every article that treats it."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:255]
        super().save(*args, **kwargs)


class TreatmentLibraryPage(Page):
    """The group's shared library: articles written once, outside every branch's site."""

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

    summary = models.TextField(blank=True, help_text="Two or three sentences for listings.")
    # A field, so clients needn't parse prose for it.
    sessions_per_week = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often sessions are usually planned."
    )
    body = StreamField(TreatmentStreamBlock(), blank=True)
    conditions = ParentalManyToManyField(Condition, blank=True, related_name="treatments")
    editor_notes = models.TextField(
        blank=True,
        help_text="Left by the importer: unanswered questions and lines it could not place.",
    )
    hero_image = models.ForeignKey(
        "cms.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of the article and on cards that link to it.",
    )

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
        FieldPanel("conditions"),
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


class ReadTotal(models.Model):
    """An article's public read count, kept off the page so publishing never overwrites it.

    Publishing copies a page's fields into its aliases and restoring a revision restores
    them, so a counter on the page would be lost; this table is the single source.
    """

    page = models.OneToOneField(
        Page, on_delete=models.CASCADE, primary_key=True, related_name="read_total"
    )
    # The "Read: N" an imported article came with; part of count.
    imported_count = models.PositiveBigIntegerField(default=0)
    count = models.PositiveBigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.page_id}: {self.count}"


class DailyRead(models.Model):
    """Reads of an article (the original) at one branch on one day, for reports and charts."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="daily_reads")
    # The branch whose copy was read; a branch removed from the group takes its history along.
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="daily_reads"
    )
    date = models.DateField()
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "site", "date"], name="daily_read_unique")
        ]
        indexes = [models.Index(fields=["date", "site"], name="daily_read_date_site")]

    def __str__(self):
        return f"{self.page_id}@{self.site_id} {self.date}: {self.count}"


class AppliedBatch(models.Model):
    """A read batch whose counts are committed: written in the same transaction as the counts.

    A refresh that finds its batch here skips the counts, so a crash after the commit, a
    redelivered task or two refreshes at once never add a batch twice.
    """

    key = models.CharField(max_length=64, unique=True)
    applied_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return self.key
