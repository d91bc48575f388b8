"""Who approves what is submitted: one Wagtail workflow per branch, and one for the library.

Wagtail's default workflow sits on the tree's root and is reviewed by its global "Moderators"
group, which no branch's moderator belongs to: a branch editor's submission would wait for a
superuser while the branch's own moderator found the page locked. Each branch's home page is
therefore assigned its own workflow, whose single approval task is reviewed by that branch's
moderators (the nearest assigned ancestor wins, so the root's default no longer applies there);
the library gets one reviewed by the library editors. ``sync_*`` makes each workflow start
with exactly this approval, removing group approvals added by hand (steps of other kinds, such
as the clinical review, stay after it), so ``manage.py sync_branch_groups`` repairs it.
"""

from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Page, Workflow, WorkflowPage, WorkflowTask

from treatments.governance.services import add_clinical_review

from .models import ClinicBranch

LIBRARY_WORKFLOW = "Library approval"


def _approval_task(workflow: Workflow, name: str) -> GroupApprovalTask:
    """The workflow's group approval task, first, created if missing.

    Other group approvals (reviewers added by hand) are unlinked; steps of other kinds, such
    as the clinical review governance appends (``treatments.governance``), are kept after it.
    """
    links = list(
        workflow.workflow_tasks.select_related("task__content_type").order_by("sort_order")
    )
    approvals = [link for link in links if link.task.specific_class is GroupApprovalTask]
    kept = approvals[0] if approvals else None
    WorkflowTask.objects.filter(pk__in=[link.pk for link in approvals[1:]]).delete()
    if kept is None:
        task = GroupApprovalTask.objects.create(name=name)
        kept = WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=-1)
    others = [link for link in links if link.task.specific_class is not GroupApprovalTask]
    for order, link in enumerate([kept, *others]):
        if link.sort_order != order:
            link.sort_order = order
            link.save(update_fields=["sort_order"])
    return kept.task.specific


def sync_approval_workflow(
    workflow: Workflow | None, *, name: str, group: Group, page: Page
) -> Workflow:
    """Make ``workflow`` (created when None) the one-step approval of ``page``'s subtree by
    ``group``."""
    if workflow is None:
        workflow = Workflow.objects.create(name=name)
    if (workflow.name, workflow.active) != (name, True):
        workflow.name, workflow.active = name, True
        workflow.save(update_fields=["name", "active"])
    task = _approval_task(workflow, f"{group.name} approval")
    if (task.name, task.active) != (f"{group.name} approval", True):
        task.name, task.active = f"{group.name} approval", True
        task.save(update_fields=["name", "active"])
    task.groups.set([group])
    # A person's publish needs a clinical review (treatments.governance): the review is the
    # last step, so the group's approval leads to it and the reviewer's approval publishes.
    add_clinical_review(workflow)
    WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})
    return workflow


def sync_branch_workflow(branch: ClinicBranch) -> Workflow:
    """The branch's submissions go to its moderators, and to no other branch's."""
    workflow = sync_approval_workflow(
        branch.workflow,
        name=f"{branch} approval",
        group=branch.moderators,
        page=branch.site.root_page,
    )
    if branch.workflow_id != workflow.pk:
        branch.workflow = workflow
        branch.save(update_fields=["workflow"])
    sync_local_workflow(branch)
    return workflow


def sync_local_workflow(branch: ClinicBranch) -> Workflow:
    """The branch's local content (clinics/local/) goes to its moderators, and to no other.

    A workflow of its own: the page workflow ends with the clinical review, a task for pages;
    local content is the branch's own words, approved by the branch.
    """
    name = f"{branch} local content approval"
    workflow = branch.local_workflow or Workflow.objects.create(name=name)
    if (workflow.name, workflow.active) != (name, True):
        workflow.name, workflow.active = name, True
        workflow.save(update_fields=["name", "active"])
    task_name = f"{branch.moderators.name} local content approval"
    task = _approval_task(workflow, task_name)
    if (task.name, task.active) != (task_name, True):
        task.name, task.active = task_name, True
        task.save(update_fields=["name", "active"])
    task.groups.set([branch.moderators])
    if branch.local_workflow_id != workflow.pk:
        branch.local_workflow = workflow
        branch.save(update_fields=["local_workflow"])
    return workflow


def sync_library_workflow(group: Group, library: Page) -> Workflow:
    """Library articles submitted for review go to the library editors."""
    workflow = Workflow.objects.filter(name=LIBRARY_WORKFLOW).order_by("pk").first()
    return sync_approval_workflow(workflow, name=LIBRARY_WORKFLOW, group=group, page=library)


def remove_branch_workflow(branch: ClinicBranch) -> None:
    """Delete the branch's workflows (pages, local content) and the tasks no other uses."""
    for workflow in (branch.workflow, branch.local_workflow):
        if workflow is None:
            continue
        task_ids = list(workflow.workflow_tasks.values_list("task_id", flat=True))
        WorkflowPage.objects.filter(workflow=workflow).delete()
        workflow.delete()
        GroupApprovalTask.objects.filter(pk__in=task_ids, workflow_tasks__isnull=True).delete()
