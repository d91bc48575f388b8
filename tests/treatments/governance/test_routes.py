"""Every admin route that publishes refuses unreviewed content; only reviewers approve.

HTTP tests as the editors' and reviewer's browsers send them: the edit and create views,
bulk publishing, the admin API's publish action, and the workflow action views.
"""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from tests.factories import TreatmentPageFactory
from treatments.governance.models import ArticleReview
from treatments.models import TreatmentPage

from .conftest import edit

pytestmark = pytest.mark.django_db


def form_data(client, url, form_id, **changes):
    """The form as the admin renders it, the body written out (a script builds it in a
    browser), with ``changes``."""
    data = querydict_from_html(client.get(url).content.decode(), form_id=form_id)
    body = nested_form_data(
        {
            "body": streamfield(
                [
                    (
                        "question",
                        {
                            "question": "What is it?",
                            "answer": rich_text("<p>A needle therapy.</p>"),
                        },
                    )
                ]
            )
        }
    )
    data.update(body)
    for name, value in changes.items():
        data[name] = value
    return data


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def live(page) -> TreatmentPage:
    return TreatmentPage.objects.get(pk=page.pk)


def test_edit_view_publishes_a_reviewed_article_with_no_clinical_change(client, world, logins):
    client.force_login(logins.library_editor)
    data = form_data(
        client, edit_url(world.article), "page-edit-form", seo_title="Dry needling in town"
    )
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(world.article), data)

    assert response.status_code == 302
    assert live(world.article).seo_title == "Dry needling in town"


def test_edit_view_keeps_a_clinical_change_as_a_draft(client, world, logins):
    """Publishing changed content saves it as a draft and says it needs clinical review."""
    client.force_login(logins.library_editor)
    data = form_data(client, edit_url(world.article), "page-edit-form", summary="Cures all.")
    data["action-publish"] = "action-publish"

    response = client.post(edit_url(world.article), data, follow=True)

    assert "this content has no clinical review yet" in response.content.decode()
    assert live(world.article).summary != "Cures all."
    assert live(world.article).get_latest_revision().as_object().summary == "Cures all."


def test_edit_view_offers_review_not_publish_for_an_unreviewed_draft(
    client, world, logins, library_workflow
):
    edit(world.article, summary="Changed since the review.")
    client.force_login(logins.library_editor)

    html = client.get(edit_url(world.article)).content.decode()

    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html


def test_create_view_publish_leaves_a_new_article_unpublished(client, world, logins):
    client.force_login(logins.library_editor)
    url = reverse("wagtailadmin_pages:add", args=["treatments", "treatmentpage", world.library.pk])
    data = form_data(client, url, "page-edit-form", title="Gua sha", slug="gua-sha")
    data["action-publish"] = "action-publish"

    response = client.post(url, data, follow=True)

    article = TreatmentPage.objects.get(slug="gua-sha")
    assert not article.live
    assert "this content has no clinical review yet" in response.content.decode()


def test_admin_api_publish_of_unreviewed_content_is_403(client, world, logins):
    edit(world.article, summary="Changed since the review.")
    client.force_login(logins.library_editor)

    response = client.post(
        f"/admin/api/main/pages/{world.article.pk}/action/publish/",
        "{}",
        content_type="application/json",
    )

    assert response.status_code == 403
    assert live(world.article).summary != "Changed since the review."


def test_admin_api_publishes_reviewed_content(client, world, logins):
    edit(world.article, seo_title="Dry needling in town")
    client.force_login(logins.library_editor)

    response = client.post(
        f"/admin/api/main/pages/{world.article.pk}/action/publish/",
        "{}",
        content_type="application/json",
    )

    assert response.status_code == 200
    assert live(world.article).seo_title == "Dry needling in town"


def test_bulk_publish_skips_unreviewed_articles(client, world, logins, library):
    unreviewed = TreatmentPageFactory(parent=library, title="Cupping", live=False)
    unreviewed.save_revision()
    client.force_login(logins.library_editor)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])

    response = client.post(f"{url}?id={unreviewed.pk}", {"include_descendants": ""})

    assert response.status_code == 302
    assert not live(unreviewed).live


def submitted(article, editor):
    return article.get_workflow().start(article, editor).current_task_state


def test_the_reviewer_approves_in_the_workflow_view(
    client, world, logins, reviewer, library_workflow
):
    edit(world.article, summary="Reviewed in the admin.")
    task_state = submitted(world.article, logins.library_editor)
    client.force_login(reviewer.user)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[world.article.pk, "approve", task_state.pk]
    )

    response = client.post(url, {"comment": "Clinically accurate.", "next_review": ""})

    assert response.status_code == 302
    assert live(world.article).summary == "Reviewed in the admin."
    review = ArticleReview.objects.get(page=world.article)
    assert review.reviewer == reviewer
    assert review.revision_id == world.article.get_latest_revision().pk


def test_an_editor_cannot_approve_the_clinical_step(
    client, world, logins, reviewer, library_workflow
):
    edit(world.article, summary="Approved by nobody.")
    task_state = submitted(world.article, logins.library_editor)
    client.force_login(logins.library_editor)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[world.article.pk, "approve", task_state.pk]
    )

    response = client.post(url, {"comment": ""})

    # Wagtail's refusal: back to the dashboard, with "Sorry, you do not have permission".
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert live(world.article).summary != "Approved by nobody."


def test_a_forged_review_date_from_the_editor_is_a_400(
    client, world, logins, reviewer, library_workflow
):
    """The edit view hands the dialog's data on unvalidated; the task validates it."""
    edit(world.article, summary="Reviewed with a bad date.")
    submitted(world.article, logins.library_editor)
    client.force_login(reviewer.user)
    data = form_data(
        client, edit_url(world.article), "page-edit-form", summary="Reviewed with a bad date."
    )
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    data["workflow-action-extra-data"] = json.dumps({"next_review": "2001-01-01"})

    response = client.post(edit_url(world.article), data)

    assert response.status_code == 400
    assert live(world.article).summary != "Reviewed with a bad date."
