"""The review-due report: overdue, due and never reviewed articles, branch by branch."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import TreatmentPageFactory
from treatments.governance.models import ArticleReview
from treatments.governance.report import LIBRARY, review_due_rows

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/reviews-due/"


@pytest.fixture
def overdue(world):
    """The library article, offered at North and South, a week overdue."""
    review = ArticleReview.objects.get(page=world.article)
    review.next_review = timezone.localdate() - datetime.timedelta(days=7)
    review.save()
    return review


def test_rows_per_branch_carrying_the_article(world, overdue, library):
    TreatmentPageFactory(parent=library, title="Gua sha")  # never reviewed, offered nowhere
    today = timezone.localdate()

    rows = [(r["branch"], r["article"], r["state"]) for r in review_due_rows(today, None)]

    assert rows == [
        ("North", "Dry needling", "Clinical review overdue"),
        ("North", "Cupping", "Not clinically reviewed"),  # North's own, never reviewed
        ("South", "Dry needling", "Clinical review overdue"),
        (LIBRARY, "Gua sha", "Not clinically reviewed"),
    ]


def test_the_reviewer_sees_every_branch(client, world, overdue, reviewer):
    client.force_login(reviewer.user)

    html = client.get(REPORT).content.decode()

    assert "Clinical reviews due" in html
    assert html.count("Clinical review overdue") == 2
    assert "South" in html and "North" in html


def test_a_branch_editor_sees_his_branch_only(client, world, overdue, logins):
    client.force_login(logins.south_editor)

    html = client.get(REPORT).content.decode()

    assert html.count("Clinical review overdue") == 1
    assert "Cupping" not in html  # North's own article


def test_the_report_exports_the_rows(client, world, overdue, reviewer):
    client.force_login(reviewer.user)

    response = client.get(REPORT + "?export=csv")

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0] == (
        "Branch,Article,State,Next review,Last reviewed,Reviewed by,Article id,Branch id"
    )
    assert f"South,Dry needling,Clinical review overdue,{overdue.next_review}" in lines[3]


def test_users_without_a_branch_are_refused(client, world):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.get(REPORT)

    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_the_explorer_tags_each_article_with_its_review_state(client, world, overdue, logins):
    client.force_login(logins.library_editor)

    html = client.get(f"/admin/pages/{world.library.pk}/").content.decode()

    assert "Clinical review overdue" in html
