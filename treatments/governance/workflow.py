"""The clinical review step of an approval workflow."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import transaction
from django.utils import timezone
from wagtail.forms import TaskStateCommentForm
from wagtail.models import Task, TaskState

from .forms import ClinicalApprovalForm
from .models import reviewer_for
from .reviews import record_review


class ClinicalReviewTask(Task):
    """A workflow step only clinical reviewers can approve; approving records the review.

    Placed last in a workflow (``services.add_clinical_review``): the reviewer approves
    exactly what is published, and no later step can change the content in between.
    """

    def start(self, workflow_state, user=None):
        """Only treatment articles are health information: any other page skips the step, so
        the task can sit in a workflow that also governs home pages and indexes."""
        if not getattr(
            workflow_state.content_object.specific_class, "needs_clinical_review", False
        ):
            task_state = self.get_task_state_class()(workflow_state=workflow_state)
            task_state.status = TaskState.STATUS_SKIPPED
            task_state.revision = workflow_state.content_object.get_latest_revision()
            task_state.task = self
            task_state.finished_at = timezone.now()
            task_state.save()
            return task_state
        return super().start(workflow_state, user=user)

    def user_can_access_editor(self, obj, user):
        return reviewer_for(user) is not None

    def locked_for_user(self, obj, user):
        return not (user.is_superuser or reviewer_for(user) is not None)

    def get_actions(self, obj, user):
        if reviewer_for(user) is None:
            return []
        return [
            ("reject", "Request changes", True),
            ("approve", "Approve clinically", False),
            ("approve", "Approve with comment or review date", True),
        ]

    def get_form_for_action(self, action):
        return ClinicalApprovalForm if action == "approve" else TaskStateCommentForm

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        """Record the review before approving: approving the last step publishes, and the
        publish is refused for content no review covers."""
        reviewer = reviewer_for(user)
        if reviewer is None:
            raise PermissionDenied("Only clinical reviewers can act on a clinical review.")
        # The edit view passes the dialog's data on as JSON, unvalidated: validate it here.
        form = ClinicalApprovalForm(
            data={
                "comment": kwargs.get("comment") or "",
                "next_review": kwargs.get("next_review") or "",
            }
        )
        if not form.is_valid():
            raise BadRequest(" ".join(e for errors in form.errors.values() for e in errors))
        comment = form.cleaned_data["comment"]
        if action_name == "approve":
            page = task_state.workflow_state.content_object.specific
            # The latest revision: what the reviewer saw in the editor, and what is published.
            record_review(
                page, reviewer, page.get_latest_revision(), form.cleaned_data["next_review"]
            )
            task_state.approve(user=user, comment=comment)
        elif action_name == "reject":
            task_state.reject(user=user, comment=comment)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if reviewer_for(user) is None:
            return TaskState.objects.none()
        return self.task_states.filter(status=TaskState.STATUS_IN_PROGRESS)

    @classmethod
    def get_description(cls):
        return "Clinical reviewers approve the article's medical content; the review is recorded."

    class Meta:
        verbose_name = "clinical review task"
        verbose_name_plural = "clinical review tasks"
