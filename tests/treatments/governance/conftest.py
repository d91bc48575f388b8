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


@pytest.fixture
def library_workflow(world):
    """The library's own workflow with clinical review as its (last and only) step."""
    workflow = Workflow.objects.create(name="Library review")
    # Replaces the "Library approval" that sync_library_group assigns (clinics/workflows.py).
    WorkflowPage.objects.update_or_create(page=world.library, defaults={"workflow": workflow})
    add_clinical_review(workflow)
    return workflow


def edit(article, **fields):
    """Save a draft of ``article`` with ``fields`` changed; returns the new revision."""
    for name, value in fields.items():
        setattr(article, name, value)
    return article.save_revision()
