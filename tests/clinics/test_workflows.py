"""Per-branch approval: a branch's submissions are reviewed by that branch's moderators only."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from clinics import services
from clinics.groups import sync_branch_groups
from clinics.models import ClinicBranch
from clinics.workflows import LIBRARY_WORKFLOW
from tests.clinics.helpers import article_form, refused
from treatments.governance.workflow import ClinicalReviewTask
from treatments.models import TreatmentPage

pytestmark = pytest.mark.django_db

ARTICLES = "/api/v2/pages/?type=treatments.TreatmentPage&fields=title"


def approval_groups(page) -> list[str]:
    """The groups that approve submissions of ``page`` before clinical review, in order."""
    workflow = page.get_workflow()
    steps = [task.specific for task in workflow.tasks]
    assert type(steps[-1]).__name__ == "ClinicalReviewTask"  # always last: it publishes
    return [group.name for task in steps[:-1] for group in task.groups.all()]


def test_each_branch_and_the_library_has_its_own_reviewers(world, logins):
    """Submissions under North go to North moderators, the library's to Library editors."""
    assert approval_groups(world.north_own) == ["North moderators"]
    assert approval_groups(world.south_alias) == ["South moderators"]
    assert approval_groups(world.article) == ["Library editors"]
    assert world.north.workflow.name == "North approval"


def test_sync_branch_groups_repairs_the_workflow(world):
    """A task added by hand, a group changed, the assignment moved: sync puts them back."""
    workflow = world.north.workflow
    stray = GroupApprovalTask.objects.create(name="Stray")
    WorkflowTask.objects.create(workflow=workflow, task=stray, sort_order=1)
    workflow.tasks.first().specific.groups.set([world.south.moderators])
    WorkflowPage.objects.filter(page=world.north.site.root_page).update(
        workflow=world.south.workflow
    )

    call_command("sync_branch_groups", stdout=open("/dev/null", "w"))

    assert approval_groups(world.north_own) == ["North moderators"]
    assert [task.name for task in workflow.tasks] == [
        "North moderators approval",
        "Clinical review",
    ]

    world.north.workflow.delete()
    sync_branch_groups(ClinicBranch.objects.get(pk=world.north.pk))
    assert approval_groups(world.north_own) == ["North moderators"]


def test_rename_and_delete_follow_the_branch(world, logins):
    """Renaming names the workflow after the branch; deleting removes it and its task."""
    services.rename_clinic(world.south, name="South Harbour")
    assert Workflow.objects.get(pk=world.south.workflow_id).name == "South Harbour approval"
    task_names = [task.name for task in world.south.workflow.tasks]
    assert task_names == ["South Harbour moderators approval", "Clinical review"]

    workflow_id = world.south.workflow_id
    services.delete_clinic(world.south)

    assert not Workflow.objects.filter(pk=workflow_id).exists()
    assert not GroupApprovalTask.objects.filter(name__startswith="South").exists()
    assert ClinicalReviewTask.objects.exists()  # shared by every workflow, kept
    assert Workflow.objects.filter(name=LIBRARY_WORKFLOW).exists()


def test_branch_editor_submits_and_his_moderator_approves(world, logins, as_user, client, reviewer):
    """The north editor's submission reaches North's moderator only; after his approval the
    clinical reviewer's puts it live, at North only."""
    index = services.treatment_index(world.north)
    editor = as_user(logins.north_editor)
    add_url = reverse("wagtailadmin_pages:add", args=["treatments", "treatmentpage", index.pk])
    mail.outbox.clear()

    response = editor.post(
        add_url, {**article_form("Kinesio taping", "taping"), "action-submit": "submit"}
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    page = TreatmentPage.objects.get(slug="taping")
    assert not page.live and page.workflow_in_progress
    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {logins.north_moderator.email}

    south = as_user(logins.south_moderator)
    assert "Kinesio taping" not in south.get("/admin/").content.decode()
    assert south.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).status_code == 302

    moderator = as_user(logins.north_moderator)
    dashboard = moderator.get("/admin/").content.decode()
    assert "Awaiting your review" in dashboard and "Kinesio taping" in dashboard
    task_state = page.current_workflow_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    response = moderator.post(approve, {"comment": ""}, form_url="/admin/")

    assert response.status_code == 302
    page.refresh_from_db()
    assert not page.live and page.current_workflow_task.name == "Clinical review"
    review = page.current_workflow_task_state
    review.task.specific.on_action(review, reviewer.user, "approve")
    page.refresh_from_db()
    assert page.live and not page.workflow_in_progress
    north = [item["title"] for item in client.get(ARTICLES + "&clinic=north").json()["items"]]
    south_titles = [
        item["title"] for item in client.get(ARTICLES + "&clinic=south").json()["items"]
    ]
    assert "Kinesio taping" in north and "Kinesio taping" not in south_titles


def test_other_branch_moderator_cannot_act_on_the_task(world, logins, as_user):
    """A forged approve from South's moderator leaves North's submission waiting."""
    index = services.treatment_index(world.north)
    editor = as_user(logins.north_editor)
    add_url = reverse("wagtailadmin_pages:add", args=["treatments", "treatmentpage", index.pk])
    editor.post(add_url, {**article_form("Shockwave", "shockwave"), "action-submit": "submit"})
    page = TreatmentPage.objects.get(slug="shockwave")
    task_state = page.current_workflow_task_state

    south = as_user(logins.south_moderator)
    response = south.post(
        reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]),
        {"comment": ""},
    )

    assert refused(south.client, response)
    page.refresh_from_db()
    assert not page.live and page.workflow_in_progress
