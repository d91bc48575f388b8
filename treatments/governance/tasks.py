"""The daily review-due task: a thin wrapper around ``services.flag_due_reviews``."""

from celery import shared_task

from . import services


@shared_task(name="treatments.governance.tasks.flag_due_reviews", acks_late=True)
def flag_due_reviews(today: str | None = None) -> int:
    """Flag articles due or overdue for clinical review on ``today`` (ISO date; default the
    current date) and tell the reviewers of newly flagged ones; returns how many were flagged.

    A rerun the same day flags and tells nothing twice.
    """
    return services.flag_due_reviews(today)
