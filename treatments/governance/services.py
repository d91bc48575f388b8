"""Writes and reads of clinical governance that span models: the reviewers' group, the review
step in workflows, review states, and the daily review-due flags with their notices."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from ..models import TreatmentPage
from .models import ArticleReview, ClinicalReviewer, ReviewFlag, reviewers_group
from .reviews import covers, record_review
from .workflow import ClinicalReviewTask

logger = logging.getLogger(__name__)

CLINICAL_REVIEW_TASK = "Clinical review"


def sync_reviewers_group():
    """The "Clinical reviewers" group: admin access only, and exactly the active reviewers'
    logins as members. Rights to approve come from the reviewer record, not from the group."""
    group = reviewers_group()
    group.permissions.set(
        [Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")]
    )
    wanted = set(
        ClinicalReviewer.objects.filter(active=True, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    members = set(group.user_set.values_list("pk", flat=True))
    group.user_set.remove(*(members - wanted))
    group.user_set.add(*(wanted - members))
    return group


def clinical_review_task() -> ClinicalReviewTask:
    """The one clinical review step every workflow shares (its task states are per article)."""
    task = ClinicalReviewTask.objects.filter(name=CLINICAL_REVIEW_TASK).first()
    return task or ClinicalReviewTask.objects.create(name=CLINICAL_REVIEW_TASK)


@transaction.atomic
def add_clinical_review(workflow: Workflow) -> ClinicalReviewTask:
    """Make clinical review the last step of ``workflow``; safe to re-run.

    Last, because its approval publishes: the reviewer approves exactly what goes live.
    """
    task = clinical_review_task()
    steps = list(WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order"))
    others = [step for step in steps if step.task_id != task.pk]
    if len(others) == len(steps) - 1 and steps[-1].task_id == task.pk:
        return task
    WorkflowTask.objects.filter(workflow=workflow, task=task).delete()
    for order, step in enumerate(others):
        if step.sort_order != order:
            step.sort_order = order
            step.save(update_fields=["sort_order"])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=len(others))
    logger.info("clinical review added to workflow", extra={"workflow": workflow.pk})
    return task


def add_clinical_review_to_workflows() -> list[Workflow]:
    """Add clinical review to every active workflow that governs a treatment article: the
    library's, branches' own, or one inherited from above them (Wagtail's default one)."""
    changed = []
    assignments = WorkflowPage.objects.filter(workflow__active=True).select_related(
        "page", "workflow"
    )
    for assignment in assignments:
        governs = TreatmentPage.objects.filter(path__startswith=assignment.page.path).exists()
        if governs and assignment.workflow not in changed:
            add_clinical_review(assignment.workflow)
            changed.append(assignment.workflow)
    return changed


class ReviewState:
    UNREVIEWED = "unreviewed"
    CHANGED = "changed"
    OVERDUE = "overdue"
    DUE = "due"
    REVIEWED = "reviewed"

    LABELS = {
        UNREVIEWED: "Not clinically reviewed",
        CHANGED: "Changed since clinical review",
        OVERDUE: "Clinical review overdue",
        DUE: "Clinical review due",
        REVIEWED: "Clinically reviewed",
    }


def due_by(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=settings.CLINICAL_REVIEW_DUE_DAYS)


def date_state(review: ArticleReview | None, today: datetime.date) -> str:
    """Unreviewed, overdue, due or reviewed: what the review dates say, without content."""
    if review is None:
        return ReviewState.UNREVIEWED
    if review.next_review < today:
        return ReviewState.OVERDUE
    if review.next_review <= due_by(today):
        return ReviewState.DUE
    return ReviewState.REVIEWED


def review_state(
    article: TreatmentPage, review: ArticleReview | None, today: datetime.date | None = None
) -> str:
    """An article's state for editors: ``date_state``, or "changed" when its latest revision
    holds content the review did not cover. Compares content only when the latest revision is
    not the reviewed one, so a reviewed article costs no revision read."""
    state = date_state(review, today or timezone.localdate())
    if state == ReviewState.UNREVIEWED or article.alias_of_id:
        return state  # an alias shows its original's content: the original's state
    latest = article.latest_revision_id
    if latest and latest != review.revision_id:
        revision = article.get_latest_revision()
        if not covers(review, revision.as_object()):
            return ReviewState.CHANGED
    return state


@dataclass(frozen=True)
class Flagged:
    review: ArticleReview
    flag: str


@transaction.atomic
def flag_due_reviews(today: str | datetime.date | None = None) -> int:
    """Flag reviews due within ``CLINICAL_REVIEW_DUE_DAYS`` or overdue on ``today``; tell
    the active reviewers about each article whose flag changed. Returns that number.

    The flag is stored, so a second run the same day (a redelivered task) tells no one twice,
    and an article that turns from due to overdue is told about again.
    """
    if isinstance(today, str):
        today = datetime.date.fromisoformat(today)
    today = today or timezone.localdate()
    flagged = []
    reviews = (
        ArticleReview.objects.select_for_update()
        .select_related("page", "reviewer")
        .filter(next_review__lte=due_by(today))
        .order_by("next_review", "page_id")
    )
    for review in reviews:
        flag = ReviewFlag.OVERDUE if review.next_review < today else ReviewFlag.DUE
        if review.flag != flag:
            review.flag, review.flagged_on = flag, today
            review.save(update_fields=["flag", "flagged_on"])
            flagged.append(Flagged(review, flag))
    ArticleReview.objects.filter(next_review__gt=due_by(today)).exclude(flag="").update(
        flag="", flagged_on=None
    )
    if flagged:
        transaction.on_commit(lambda: notify_reviewers(flagged, today))
    logger.info("review-due flags set", extra={"flagged": len(flagged), "day": str(today)})
    return len(flagged)


def notify_reviewers(flagged: list[Flagged], today: datetime.date) -> int:
    """One e-mail to each active reviewer listing the newly flagged articles."""
    recipients = list(
        ClinicalReviewer.objects.filter(active=True, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not recipients:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    lines = [
        f"- {item.review.page.title}: review {item.flag} "
        f"(next review {item.review.next_review:%Y-%m-%d}) "
        f"{base}{reverse('wagtailadmin_pages:edit', args=[item.review.page_id])}"
        for item in flagged
    ]
    body = "\n".join(
        [
            f"On {today:%Y-%m-%d} these treatment articles became due or overdue for "
            "clinical review:",
            "",
            *lines,
            "",
            f"All due and overdue articles: {base}{reverse('treatments_review_due_report')}",
        ]
    )
    subject = f"Clinical review: {len(flagged)} article(s) due or overdue"
    # One message per reviewer: reviewers do not see each other's addresses.
    for address in recipients:
        send_mail(subject, body, None, [address])
    return len(recipients)


@transaction.atomic
def review_through_workflow(article: TreatmentPage, reviewer: ClinicalReviewer) -> ArticleReview:
    """Take ``article``'s latest revision through its workflow as the operator, the clinical
    step approved by ``reviewer``; without a clinical step, record the review directly.

    For the demo and for operators bringing existing articles under review: the same record
    and the same publish as a reviewer's approval in the admin.
    """
    workflow = article.get_workflow()
    if (
        workflow is None
        or not workflow.workflow_tasks.filter(task__in=ClinicalReviewTask.objects.all()).exists()
    ):
        return record_review(article, reviewer, article.get_latest_revision())
    state = article.current_workflow_state or workflow.start(article, reviewer.user)
    while state.status == state.STATUS_IN_PROGRESS:
        task_state = state.current_task_state
        task = task_state.task.specific
        if isinstance(task, ClinicalReviewTask):
            task.on_action(task_state, reviewer.user, "approve")
        else:
            task_state.approve(user=None, comment="Approved by the operator")
        state.refresh_from_db()
    return ArticleReview.objects.get(page=article)
