"""Media models shared by every branch and article."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable


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
