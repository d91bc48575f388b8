"""Models of the base layer: media shared by every branch and article, the delivery
documents the partner API assembles its listings and details from (``cms.api.documents``),
and what partners are told of changes: the per-clinic change feed (``cms.api.sync``) and
webhooks (``cms.api.webhooks``)."""

import uuid

from django.db import models
from django.utils import timezone
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


class SyncCounter(models.Model):
    """The last change number handed out at one clinic, taken FOR UPDATE by every change.

    The partner change feed (``cms.api.sync``) must never skip a change: a partner that has
    read up to number N must find every later change above N. With a global sequence, a
    transaction that took N+1 can commit after one that took N+2, and a reader between the two
    commits would move past N+1 for good. Here the writing transaction locks its clinic's
    counter row (``select_for_update``) until it commits, so the transactions of one clinic
    take numbers one after the other and commit in the same order: once a number is visible,
    every lower one is too. Changes at different clinics do not wait for each other, and
    SQLite (one writer at a time) gives the same order without the lock.

    ``pruned_through``: events up to this number were dropped (``SYNC_EVENT_RETENTION_DAYS``);
    a token from before it cannot be answered exactly and is refused with a 410.
    """

    site = models.OneToOneField(Site, on_delete=models.CASCADE, related_name="+")
    last_number = models.BigIntegerField(default=0)
    pruned_through = models.BigIntegerField(default=0)

    def __str__(self):
        return f"site {self.site_id}: {self.last_number}"


class ChangeKind(models.TextChoices):
    PUBLISHED = "published"
    SAVED = "saved"
    UNPUBLISHED = "unpublished"
    WITHDRAWN = "withdrawn"
    DELETED = "deleted"
    MOVED = "moved"
    PRIVACY = "privacy"
    SETTINGS = "settings"


class ChangeEvent(models.Model):
    """One page changed at one clinic: the feed's unit, numbered in commit order per clinic.

    ``page_id`` is no foreign key: the row outlives a deleted page, to tell partners it is gone.
    ``page_type`` (``app.Model``) likewise, since a tombstone names the type.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    number = models.BigIntegerField()
    page_id = models.BigIntegerField()
    page_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=ChangeKind.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="change_event_number_unique")
        ]
        indexes = [models.Index(fields=["at"], name="change_event_at")]

    def __str__(self):
        return f"#{self.number} {self.kind} page {self.page_id} at site {self.site_id}"


class WebhookEventType(models.TextChoices):
    PAGE_PUBLISHED = "page.published", "Page published (page.published)"
    PAGE_UNPUBLISHED = "page.unpublished", "Page unpublished (page.unpublished)"
    PAGE_WITHDRAWN = "page.withdrawn", "Article withdrawn (page.withdrawn)"
    PAGE_DELETED = "page.deleted", "Page deleted (page.deleted)"
    CLINIC_SETTINGS_CHANGED = (
        "clinic.settings_changed",
        "Clinic settings changed (clinic.settings_changed)",
    )


class WebhookEndpoint(models.Model):
    """A partner's URL told of changes at the clinics it chose, signed with its secret.

    ``previous_secret`` signs too (a second signature) until ``previous_secret_expires_at``,
    so a partner can roll its verifier over to the new secret without refusing deliveries.
    """

    partner = models.CharField(max_length=100, help_text="A name from API_PARTNER_KEYS.")
    url = models.URLField("URL", max_length=500)
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    clinics = models.ManyToManyField(Site, related_name="+")
    event_types = models.JSONField(default=list)
    owner_email = models.EmailField(help_text="Told when the endpoint is paused after failures.")
    paused = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Failures before this (its creation, or its last unpause) do not count towards a pause.
    active_since = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "webhook endpoint"

    def __str__(self):
        return f"{self.partner}: {self.url}"


class WebhookEvent(models.Model):
    """What happened, once: every endpoint that wants it gets a delivery of this same id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40, choices=WebhookEventType.choices)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.type} {self.id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class WebhookDelivery(models.Model):
    """One event sent (or to send) to one endpoint: at most one success per pair."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(WebhookEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_delivery_unique")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_delivery_status")]

    def __str__(self):
        return f"{self.event_id} to endpoint {self.endpoint_id}: {self.status}"
