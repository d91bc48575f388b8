"""Receivers of clinical governance, connected in ``TreatmentsConfig.ready``."""

import logging

from django.db import transaction
from wagtail.signals import task_submitted

from . import services
from .workflow import ClinicalReviewTask

logger = logging.getLogger(__name__)


def tell_reviewers(sender, instance, user=None, **kwargs) -> None:
    """An article reached the clinical review step: tell the reviewers once it commits."""
    if not isinstance(instance.task.specific, ClinicalReviewTask):
        return
    page = instance.workflow_state.content_object
    page_id, title = page.pk, page.title
    transaction.on_commit(lambda: services.notify_submission(page_id, title))
    logger.info("clinical review requested", extra={"page": page_id})


def connect() -> None:
    task_submitted.connect(tell_reviewers, dispatch_uid="clinical-review-submitted")
