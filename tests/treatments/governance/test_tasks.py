"""The daily beat task flags reviews due and overdue and tells the reviewers, once each."""

import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail

from cms.celery import app
from tests.factories import ClinicalReviewerFactory, UserFactory
from treatments.governance.models import ArticleReview, ClinicalReviewer, ReviewFlag

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 10)


def beat_task():
    """The task exactly as beat schedules it, by the schedule's own name."""
    app.loader.import_default_modules()  # CELERY_IMPORTS, as a worker loads them
    entry = settings.CELERY_BEAT_SCHEDULE["flag-due-reviews"]
    assert entry["schedule"] == crontab(hour=6, minute=0)  # daily
    return app.tasks[entry["task"]]


def run(day: datetime.date, capture) -> int:
    with capture(execute=True):
        return beat_task().apply(kwargs={"today": day.isoformat()}).get()


@pytest.fixture
def reviewers(world):
    """Two active reviewers and one who left (the one who reviewed ``world`` left too)."""
    ClinicalReviewer.objects.update(active=False)
    return [
        ClinicalReviewerFactory(user=UserFactory(email="amira@clinic.example")),
        ClinicalReviewerFactory(user=UserFactory(email="ben@clinic.example")),
        ClinicalReviewerFactory(user=UserFactory(email="gone@clinic.example"), active=False),
    ]


def review_due(world, next_review):
    review = ArticleReview.objects.get(page=world.article)
    review.next_review = next_review
    review.save()
    return review


def test_an_overdue_review_is_flagged_and_reviewers_are_told(
    world, reviewers, django_capture_on_commit_callbacks
):
    review_due(world, TODAY - datetime.timedelta(days=1))

    assert run(TODAY, django_capture_on_commit_callbacks) == 1

    review = ArticleReview.objects.get(page=world.article)
    assert (review.flag, review.flagged_on) == (ReviewFlag.OVERDUE, TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["amira@clinic.example", "ben@clinic.example"]
    message = mail.outbox[0]
    assert message.subject == "Clinical review: 1 article(s) due or overdue"
    assert "- Dry needling: review overdue (next review 2027-03-09)" in message.body
    assert f"/admin/pages/{world.article.pk}/edit/" in message.body


def test_a_review_within_the_notice_period_is_due(
    world, reviewers, django_capture_on_commit_callbacks
):
    review_due(world, TODAY + datetime.timedelta(days=settings.CLINICAL_REVIEW_DUE_DAYS))

    assert run(TODAY, django_capture_on_commit_callbacks) == 1

    assert ArticleReview.objects.get(page=world.article).flag == ReviewFlag.DUE
    assert "review due (next review" in mail.outbox[0].body


def test_a_review_not_yet_due_is_not_flagged(world, reviewers, django_capture_on_commit_callbacks):
    review_due(world, TODAY + datetime.timedelta(days=settings.CLINICAL_REVIEW_DUE_DAYS + 1))

    assert run(TODAY, django_capture_on_commit_callbacks) == 0

    assert ArticleReview.objects.get(page=world.article).flag == ReviewFlag.NONE
    assert mail.outbox == []


def test_each_change_of_flag_is_told_once(world, reviewers, django_capture_on_commit_callbacks):
    """Daily runs tell nothing twice; due turning overdue is told again."""
    review_due(world, TODAY + datetime.timedelta(days=2))

    assert run(TODAY, django_capture_on_commit_callbacks) == 1
    assert run(TODAY + datetime.timedelta(days=1), django_capture_on_commit_callbacks) == 0
    assert run(TODAY + datetime.timedelta(days=3), django_capture_on_commit_callbacks) == 1

    assert ArticleReview.objects.get(page=world.article).flag == ReviewFlag.OVERDUE
    assert len(mail.outbox) == 4  # two reviewers, two changes
