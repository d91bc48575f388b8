"""The read statistics tables: an article's total, its reads per branch and day, and the
batches already applied. Registered under the treatments app, so the tables keep their names."""

from django.db import models
from wagtail.models import Page


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
