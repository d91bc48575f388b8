"""Clinic branches: each is a Wagtail Site with its own home page and settings."""

from django.contrib.auth.models import Group
from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.api import APIField
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Collection, Page, Site, Workflow

from cms.models import GalleryImage, hero_image_field
from cms.renditions import GalleryField, ImageRenditionsField

from .blocks import OpeningHoursStreamBlock


class ClinicHomePage(Page):
    """A branch's home page: the root of its Site."""

    # Marks a Site rooted here as a clinic for the layers below (cms.sites).
    is_clinic_root = True

    intro = models.TextField(blank=True)
    hero_image = hero_image_field("The branch's main picture, at the top of its home page.")

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        InlinePanel("gallery_images", label="Gallery image", heading="Gallery"),
    ]
    api_fields = [
        APIField("intro"),
        APIField("hero_image", serializer=ImageRenditionsField()),
        APIField("gallery_images", serializer=GalleryField()),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["treatments.TreatmentIndexPage"]

    class Meta:
        verbose_name = "clinic home page"


class ClinicGalleryImage(GalleryImage):
    """A picture in a branch's home page gallery: rooms, team, building."""

    page = ParentalKey(ClinicHomePage, on_delete=models.CASCADE, related_name="gallery_images")


@register_setting(icon="site")
class ClinicSettings(BaseSiteSetting):
    """What a branch tells its patients: where it is, when it is open, how to book."""

    name = models.CharField(max_length=255, blank=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=50, blank=True)
    email = models.EmailField(blank=True)
    booking_url = models.URLField(blank=True)
    opening_hours = StreamField(OpeningHoursStreamBlock(), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("address"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("booking_url"),
        FieldPanel("opening_hours"),
    ]

    class Meta:
        verbose_name = "clinic settings"


class ClinicBranch(models.Model):
    """What belongs to a branch besides its pages: the groups, collection and workflow made for it.

    Kept in one row so renaming or deleting a branch finds exactly its own groups,
    collection and workflow, never a look-alike found by name.
    """

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="clinic_branch")
    editors = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="+")
    moderators = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="+")
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="+")
    # The branch's approval workflow (clinics/workflows.py); sync_branch_groups makes one when
    # it is missing, so it may be null for a moment, never for long.
    workflow = models.OneToOneField(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Approval of the branch's local content (clinics/local/): its moderators' approval only,
    # since the page workflow's clinical review handles pages, not snippets.
    local_workflow = models.OneToOneField(
        Workflow, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "clinic branch"

    def __str__(self):
        return self.site.site_name or self.site.hostname


class Withdrawal(models.Model):
    """A library article withdrawn from one branch: its alias stays there, unpublished.

    Partners store an offered article's id (the alias's page id). Keeping the alias, rather
    than deleting it, means offering the article again republishes the same page, so the id a
    partner stored works again. Wagtail republishes every alias when their original is
    published; ``clinics.signals`` takes a withdrawn one straight back offline.
    """

    alias = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="withdrawal")
    withdrawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "withdrawal"

    def __str__(self):
        return f"{self.alias_id} withdrawn {self.withdrawn_at:%Y-%m-%d}"


# Local content keeps its models in its own package; importing them here registers them.
from .local.models import LocalContent, LocalPractitioner, Practitioner  # noqa: E402, F401
