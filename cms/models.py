"""Models of the base layer: media shared by every branch and article, and the delivery
documents the partner API assembles its listings and details from (``cms.api.documents``)."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable, Page, Site


class CustomImage(AbstractImage):
    """An image with the alt text and credit a health publisher owes its readers."""

    alt_text = models.CharField(
        max_length=255,
        help_text="Describe the image for people who cannot see it.",
    )
    credit = models.CharField(max_length=255, blank=True)

    # Wagtail's optional "description" would be a second alt text field; ours is required.
    admin_form_fields = (
        *(name for name in Image.admin_form_fields if name != "description"),
        "alt_text",
        "credit",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = "image"
        verbose_name_plural = "images"

    @property
    def default_alt_text(self):
        return self.alt_text or super().default_alt_text


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


def hero_image_field(help_text: str) -> models.ForeignKey:
    """A page's main picture: optional, kept as a blank when the image is deleted."""
    return models.ForeignKey(
        CustomImage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=help_text,
    )


class GalleryImage(Orderable):
    """One picture of a page's gallery; each page type adds its ParentalKey named ``page``."""

    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="+")
    caption = models.CharField(max_length=255, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]

    class Meta(Orderable.Meta):
        abstract = True


class DeliveryDocument(models.Model):
    """A page's API representation at one clinic, rendered once and assembled into answers.

    ``listing`` is the page as a listing shows it with ``fields=*`` and ``detail`` as its
    detail shows it, both without what changes apart from the content (``detail_url``, which
    depends on the host asked, and the read counts, which refreshes change). ``stamp`` is the
    page's publication state it was rendered from (``parent_stamp`` its parent's, which the
    detail's ``meta.parent`` shows) and
    ``generation`` the content generation of everything else it shows (sites, media,
    conditions, links): a document whose stamp or generation is not current is never used.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    stamp = models.CharField(max_length=200)
    parent_stamp = models.CharField(max_length=200, blank=True)
    generation = models.CharField(max_length=100)
    listing = models.BinaryField()
    detail = models.BinaryField()
    has_links = models.BooleanField(default=False)
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "page"], name="delivery_document_unique")
        ]

    def __str__(self):
        return f"page {self.page_id} at site {self.site_id}"


class DeliveryGeneration(models.Model):
    """A counter bumped in the transaction of every change that outdates stored documents.

    ``all`` covers what any document may show besides its own page (sites, media,
    conditions, privacy, reviews); ``site:<site id>`` one clinic's settings (its address and
    hours are in its articles' structured data); ``links:<site id>`` the pages one clinic
    shows, which rich text links resolve to. Bumped in the same transaction as the change,
    so a document rendered from data read before the commit always carries an older number.
    """

    key = models.CharField(max_length=50, unique=True)
    number = models.BigIntegerField(default=0)

    def __str__(self):
        return f"{self.key}: {self.number}"


class MissedInvalidation(models.Model):
    """Cache tags a change could not outdate because Redis (or the broker) was away.

    Publishing succeeds with Redis down; but a Redis that comes back with its data (production
    persists it) would still hold the answers built before the change, under tag versions
    nobody bumped. The tags are kept here instead, in the change's own database, and a beat
    task (``cms.api.tasks.replay_missed_invalidations``) bumps and purges them once Redis is
    back, then deletes the rows.
    """

    tags = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "missed cache invalidation"

    def __str__(self):
        return f"{len(self.tags)} tags at {self.created_at:%Y-%m-%d %H:%M:%S}"
