"""The review rule: what a review covers, recording one, and publishing refused without one."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

from clinics.models import ClinicSettings
from tests.factories import ConditionFactory, TreatmentPageFactory, UserFactory, reviewed
from treatments.governance.models import ArticleReview
from treatments.governance.reviews import ClinicalReviewRequired, months_after
from treatments.governance.services import (
    ReviewState,
    add_clinical_review,
    clinical_review_task,
    review_state,
)
from treatments.governance.workflow import ClinicalReviewTask
from treatments.models import SessionGuidance, TreatmentOtherName, TreatmentPage

from .conftest import edit

pytestmark = pytest.mark.django_db


def submit(article, user):
    return article.get_workflow().start(article, user)


def test_publishing_an_unreviewed_article_is_refused(library, logins):
    """A person may not publish health content no clinical reviewer approved."""
    article = TreatmentPageFactory(parent=library, live=False)
    revision = article.save_revision(user=logins.library_editor)

    with pytest.raises(ClinicalReviewRequired):
        revision.publish(user=logins.library_editor)

    assert not TreatmentPage.objects.get(pk=article.pk).live
    assert not article.permissions_for_user(logins.library_editor).can_publish()


def test_the_reviewers_approval_records_the_review_and_publishes(
    world, logins, reviewer, library_workflow
):
    """Approving the clinical step records who, when and what, then publishes."""
    article = world.article
    ArticleReview.objects.all().delete()
    revision = edit(article, summary="Reviewed summary.")
    state = submit(article, logins.library_editor)
    task = state.current_task_state.task.specific
    assert isinstance(task, ClinicalReviewTask)

    task.on_action(state.current_task_state, reviewer.user, "approve")

    review = ArticleReview.objects.get(page=article)
    assert review.reviewer == reviewer
    assert review.revision == revision
    assert timezone.now() - review.reviewed_at < datetime.timedelta(minutes=1)
    assert review.next_review == months_after(timezone.localdate(), 12)
    assert TreatmentPage.objects.get(pk=article.pk).summary == "Reviewed summary."
    # Publishing the original republished the branches' aliases.
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).summary == "Reviewed summary."


def test_the_reviewer_may_set_the_next_review_date(world, logins, reviewer, library_workflow):
    edit(world.article, summary="Reviewed again.")
    state = submit(world.article, logins.library_editor)
    next_review = timezone.localdate() + datetime.timedelta(days=90)

    state.current_task_state.task.specific.on_action(
        state.current_task_state, reviewer.user, "approve", next_review=next_review.isoformat()
    )

    assert ArticleReview.objects.get(page=world.article).next_review == next_review


@pytest.mark.parametrize("who", ["library_editor", "superuser"])
def test_only_clinical_reviewers_can_approve(world, logins, reviewer, library_workflow, who):
    """Editors and even superusers get no approve action, and a forged one is refused."""
    user = (
        logins.library_editor
        if who == "library_editor"
        else UserFactory(is_superuser=True, is_staff=True)
    )
    edit(world.article, summary="Not approved by an editor.")
    state = submit(world.article, logins.library_editor)
    task = state.current_task_state.task.specific

    assert task.get_actions(world.article, user) == []
    with pytest.raises(PermissionDenied):
        task.on_action(state.current_task_state, user, "approve")
    assert TreatmentPage.objects.get(pk=world.article.pk).summary != "Not approved by an editor."


def article_with_relations(library):
    article = TreatmentPageFactory(parent=library)
    article.other_names = [TreatmentOtherName(name="IMS")]
    article.session_guidance = [
        SessionGuidance(condition="Lower back pain", min_sessions=6, max_sessions=8)
    ]
    article.conditions = [ConditionFactory(name="Lower back pain")]
    article.save_revision().publish()
    return reviewed(article)


CLINICAL_CHANGES = {
    "title": lambda a: setattr(a, "title", "Another treatment"),
    "summary": lambda a: setattr(a, "summary", "Cures everything."),
    "sessions_per_week": lambda a: setattr(a, "sessions_per_week", 5),
    "body": lambda a: setattr(
        a, "body", [("question", {"question": "Does it hurt?", "answer": "<p>No.</p>"})]
    ),
    "other_names": lambda a: setattr(a, "other_names", [TreatmentOtherName(name="Acupuncture")]),
    "session_guidance": lambda a: setattr(
        a,
        "session_guidance",
        [SessionGuidance(condition="Lower back pain", min_sessions=1, max_sessions=2)],
    ),
    "conditions": lambda a: setattr(a, "conditions", [ConditionFactory(name="Neck pain")]),
}


@pytest.mark.parametrize("field", list(CLINICAL_CHANGES))
def test_a_content_change_after_review_needs_a_new_review(library, logins, field):
    """Any clinical field changed since the review makes the draft unpublishable."""
    article = article_with_relations(library)
    CLINICAL_CHANGES[field](article)
    revision = article.save_revision(user=logins.library_editor)

    assert review_state(article, ArticleReview.objects.get(page=article)) == ReviewState.CHANGED
    assert not article.permissions_for_user(logins.library_editor).can_publish()
    with pytest.raises(ClinicalReviewRequired):
        revision.publish(user=logins.library_editor)


@pytest.mark.parametrize(
    "change",
    [
        {"slug": "renamed-slug"},
        {"seo_title": "Dry needling in London"},
        {"search_description": "For search engines."},
        {"editor_notes": "Check the second answer."},
    ],
)
def test_changes_that_are_no_clinical_content_need_no_review(library, logins, change):
    article = article_with_relations(library)
    revision = edit(TreatmentPage.objects.get(pk=article.pk), **change)

    assert article.permissions_for_user(logins.library_editor).can_publish()
    revision.publish(user=logins.library_editor)
    assert TreatmentPage.objects.get(pk=article.pk).live


def test_a_branchs_own_details_need_no_review(world, logins):
    """Hours, address and booking link are the branch's, not the article's: no new review."""
    settings = ClinicSettings.for_site(world.north.site)
    settings.opening_hours = [
        ("day", {"weekday": "mon", "opens": "08:00", "closes": "12:00", "closed": False})
    ]
    settings.booking_url = "https://booking.example.org/north"
    settings.save()
    review = ArticleReview.objects.get(page=world.article)

    assert review_state(world.north_alias, review) == ReviewState.REVIEWED
    assert review_state(world.article, review) == ReviewState.REVIEWED
    assert world.article.permissions_for_user(logins.library_editor).can_publish()


def test_an_alias_is_reviewed_with_its_original(world):
    """Branches show the library's review: the record is the original's, not the alias's."""
    assert ArticleReview.objects.filter(page=world.north_alias).count() == 0
    review = ArticleReview.objects.get(page=world.article)
    assert review_state(world.north_alias, review) == ReviewState.REVIEWED


def test_restoring_an_old_revision_keeps_the_review_record(world, logins):
    """The review lives beside the page: restoring a revision (as the admin does, saved as the
    latest) neither brings back nor drops a review; the reviewed content publishes again."""
    article = world.article
    reviewed_revision = article.get_latest_revision()
    review = ArticleReview.objects.get(page=article)
    reviewed_summary = article.summary
    edit(article, summary="Changed after the review.")
    assert not article.permissions_for_user(logins.library_editor).can_publish()

    restored = reviewed_revision.as_object().save_revision(user=logins.library_editor)
    restored.publish(user=logins.library_editor)

    assert ArticleReview.objects.get(page=article).reviewed_at == review.reviewed_at
    assert TreatmentPage.objects.get(pk=article.pk).summary == reviewed_summary


def test_clinical_review_is_added_last_once(world):
    workflow = Workflow.objects.create(name="Branch")
    WorkflowPage.objects.update_or_create(
        page=world.north.site.root_page, defaults={"workflow": workflow}
    )
    moderators = GroupApprovalTask.objects.create(name="North moderators")
    WorkflowTask.objects.create(workflow=workflow, task=moderators, sort_order=0)

    add_clinical_review(workflow)
    add_clinical_review(workflow)

    rows = WorkflowTask.objects.filter(workflow=workflow).order_by("sort_order")
    steps = [step.task.specific for step in rows]
    assert steps == [moderators, clinical_review_task()]


def test_pages_other_than_articles_skip_the_clinical_step(world, logins, reviewer):
    """A home page under a workflow with clinical review is not held for a clinician."""
    workflow = Workflow.objects.create(name="Branch")
    WorkflowPage.objects.update_or_create(
        page=world.north.site.root_page, defaults={"workflow": workflow}
    )
    add_clinical_review(workflow)
    home = world.north.site.root_page.specific
    home.save_revision()

    state = workflow.start(home, logins.north_moderator)

    state.refresh_from_db()
    assert state.status == state.STATUS_APPROVED


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 1), 12, datetime.date(2027, 12, 1)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
    ],
)
def test_the_next_review_is_the_same_day_months_later(day, months, expected):
    assert months_after(day, months) == expected
