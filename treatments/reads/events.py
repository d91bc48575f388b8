"""Signals this app sends, for other parts (API cache, admin) to react to."""

from django.dispatch import Signal

# Sent after a refresh committed new read totals; ``page_ids`` lists the articles
# (originals, not aliases) whose totals changed. The API cache listens to purge them.
read_totals_refreshed = Signal()
