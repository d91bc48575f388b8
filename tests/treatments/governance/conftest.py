"""A library under a clinical-review workflow, its reviewer, and an article through review."""

import pytest
from wagtail.models import Workflow, WorkflowPage

from tests.factories import ClinicalReviewerFactory, UserFactory
from treatments.governance.services import add_clinical_review, sync_reviewers_group


@pytest.fixture
def reviewer(db):
    reviewer = ClinicalReviewerFactory(
        name="Dr Amira Haddad", user=UserFactory(username="clinical-reviewer")
    )
    sync_reviewers_group()
    return reviewer


def clinical_workflow_on(page, name: str) -> Workflow:
    """The workflow assigned to ``page`` (a new one if none is), clinical review its last step."""
    assigned = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
    workflow = assigned.workflow if assigned else Workflow.objects.create(name=name)
    if assigned is None:
        WorkflowPage.objects.create(workflow=workflow, page=page)
    add_clinical_review(workflow)
    return workflow


@pytest.fixture
def library_workflow(world):
    """A library workflow whose only step is clinical review: what is left of the library's
    own once its editorial steps are approved (those are the clinics app's, tested there)."""
    workflow = Workflow.objects.create(name="Library review")
    WorkflowPage.objects.update_or_create(page=world.library, defaults={"workflow": workflow})
    add_clinical_review(workflow)
    return workflow


def edit(article, **fields):
    """Save a draft of ``article`` with ``fields`` changed; returns the new revision."""
    for name, value in fields.items():
        setattr(article, name, value)
    return article.save_revision()
