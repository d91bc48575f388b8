"""Local content on offered articles: kept apart from the shared text, the branch's own, drift."""

import json

import pytest
from django.urls import reverse
from wagtail.models import TaskState

from clinics.local.drift import comparison, is_stale
from clinics.local.models import LocalContent, Practitioner
from clinics.local.services import LocalContentError, publish_local_content
from clinics.services import delete_clinic, rename_clinic
from treatments.models import TreatmentPage

from .helpers import formset, refused
from .local_helpers import north_local, publish_library_change, with_questions

pytestmark = pytest.mark.django_db

SNIPPETS = "/admin/snippets/clinics/localcontent/"
PRACTITIONERS = "/admin/snippets/clinics/practitioner/"


def edit_form(local: LocalContent, **fields) -> dict:
    """The local content edit form as a browser posts it (rich text as Draftail's JSON)."""
    return {
        "intro": draftail(fields.pop("intro_text", "At North we offer it on Tuesdays.")),
        "closing": draftail(""),
        "offered_times": "",
        "price_note": fields.pop("price_note", "60 EUR"),
        "booking_url": "",
        **formset("practitioners"),
        **fields,
    }


def draftail(text: str) -> str:
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [],
                    "data": {},
                }
            ],
            "entityMap": {},
        }
    )


# Kept apart from the shared text


def test_library_publish_keeps_every_branch_local_part_and_its_draft(world):
    """Publishing the library article republishes the aliases; the local part and a pending
    draft of it are untouched, and the shared title follows the library."""
    local = north_local(world)
    draft = LocalContent.objects.get(pk=local.pk)
    draft.intro = "<p>Draft: from January also on Fridays.</p>"
    draft.save_revision()

    article = TreatmentPage.objects.get(pk=world.article.pk)
    article.title = "Dry needling (IMS), revised"
    article.save_revision().publish()

    kept = LocalContent.objects.get(pk=local.pk)
    assert kept.live is True
    assert kept.intro == "<p>At our North clinic we offer it on Tuesdays.</p>"
    assert kept.has_unpublished_changes is True
    assert (
        kept.get_latest_revision_as_object().intro == "<p>Draft: from January also on Fridays.</p>"
    )
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).title == (
        "Dry needling (IMS), revised"
    )
    assert not LocalContent.objects.filter(page=world.south_alias).exists()


def test_local_content_only_on_an_offered_article(world):
    """The library original and a branch's own article take no local part."""
    for page in (world.article, world.north_own):
        with pytest.raises(LocalContentError):
            publish_local_content(page, intro="<p>x</p>")


def test_practitioners_of_another_branch_are_refused(world):
    south_person = Practitioner.objects.create(branch=world.south, name="Dr South")
    with pytest.raises(LocalContentError):
        publish_local_content(world.north_alias, practitioners=[south_person])


def test_restoring_an_old_revision_keeps_the_review(world):
    """The review state is no revision content: publishing an older revision keeps it."""
    local = north_local(world)
    first = local.latest_revision
    publish_library_change(world.article, "A new summary.")
    from clinics.local.drift import mark_reviewed

    reviewed_against = mark_reviewed(local)
    first.publish()
    assert LocalContent.objects.get(pk=local.pk).reviewed_against_id == reviewed_against


# Drift


def test_drift_appears_after_a_library_publish_and_clears_when_reviewed(world, logins, as_user):
    local = north_local(world)
    assert not is_stale(local)

    publish_library_change(world.article, "Needles, now with a new summary.")

    assert is_stale(local)
    changed = {part.label: part for part in comparison(local) if part.changed}
    assert list(changed) == ["Summary"]
    assert changed["Summary"].now == "Needles, now with a new summary."

    editor = as_user(logins.north_editor)
    drift_url = reverse("clinics_local_drift", args=[local.pk])
    page = editor.get(drift_url)
    assert page.status_code == 200
    assert 'data-drift="stale"' in page.content.decode()
    assert "Needles, now with a new summary." in page.content.decode()

    response = editor.post(reverse("clinics_local_reviewed", args=[local.pk]), form_url=drift_url)
    assert response.status_code == 302
    assert not is_stale(LocalContent.objects.get(pk=local.pk))
    assert 'data-drift="current"' in editor.get(drift_url).content.decode()


def test_only_the_branch_marks_its_local_part_reviewed(world, logins, as_user):
    local = north_local(world)
    publish_library_change(world.article, "Changed.")
    url = reverse("clinics_local_reviewed", args=[local.pk])
    for user in (logins.south_editor, logins.south_moderator, logins.library_editor):
        assert as_user(user).post(url).status_code == 404
    assert as_user(logins.north_editor).get(url).status_code == 405
    assert is_stale(local)


def test_the_edit_form_warns_of_drift(world, logins, as_user):
    local = north_local(world)
    publish_library_change(world.article, "Changed.")
    page = as_user(logins.north_editor).get(f"{SNIPPETS}edit/{local.pk}/", follow=True)
    assert "Compare the library text then and now" in page.content.decode()


def test_report_lists_per_article_and_branch_what_is_local_and_stale(world, logins, as_user):
    north_local(world, offered_times="Tuesdays")
    publish_library_change(world.article, "Changed.")
    url = reverse("clinics_local_report")
    page = as_user(logins.library_editor).get(url).content.decode()
    assert 'data-branch="North"' in page
    assert "introduction, times, price note, 1 practitioner" in page
    assert "Stale: library changed" in page
    editor = as_user(logins.north_editor)
    assert refused(editor.client, editor.get(url))


# The branch's own: every route


def test_north_editor_creates_and_edits_north_local_content_in_the_admin(world, logins, as_user):
    question_ids = with_questions(world.article)
    editor = as_user(logins.north_editor)
    add = f"{SNIPPETS}add/?page_choice={world.north_alias.pk}"
    form = editor.get(add).content.decode()
    assert "Is it safe while pregnant?" in form  # the shared questions, as checkboxes

    data = {
        **edit_form(None),
        "page_choice": str(world.north_alias.pk),
        "hidden_questions": [question_ids[1]],
    }
    response = editor.post(f"{SNIPPETS}add/", data, form_url=add)
    assert response.status_code == 302, response.content.decode()[:2000]
    local = LocalContent.objects.get(page=world.north_alias)
    assert local.branch == world.north
    assert local.live is False  # a draft: the editor submits, the moderator publishes
    assert local.hidden_questions == [question_ids[1]]
    assert (
        local.reviewed_against_id == TreatmentPage.objects.get(pk=world.article.pk).live_revision_id
    )


def test_another_branch_and_the_library_cannot_reach_north_local_content(world, logins, as_user):
    """Every route naming North's local part answers 404 to South's staff and the library."""
    local = north_local(world)
    person = Practitioner.objects.get(branch=world.north)
    revision = local.latest_revision
    routes = [
        f"{SNIPPETS}edit/{local.pk}/",
        f"{SNIPPETS}delete/{local.pk}/",
        f"{SNIPPETS}history/{local.pk}/",
        f"{SNIPPETS}usage/{local.pk}/",
        f"{SNIPPETS}unpublish/{local.pk}/",
        f"{SNIPPETS}lock/{local.pk}/",
        f"{SNIPPETS}copy/{local.pk}/",
        f"{SNIPPETS}workflow_history/{local.pk}/",
        f"{SNIPPETS}history/{local.pk}/revisions/compare/earliest...{revision.pk}/",
        f"{SNIPPETS}history/{local.pk}/revisions/{revision.pk}/revert/",
        f"{PRACTITIONERS}edit/{person.pk}/",
        f"{PRACTITIONERS}delete/{person.pk}/",
        f"/admin/snippets/choose/clinics/practitioner/chosen/{person.pk}/",
        reverse("clinics_local_drift", args=[local.pk]),
    ]
    owner = as_user(logins.north_moderator)
    for url in routes:
        # Each route exists and answers North's own moderator (a 404 below is the rule's).
        assert owner.get(url).status_code in (200, 302, 405), url
    for user in (logins.south_editor, logins.south_moderator):
        client = as_user(user)
        for url in routes:
            assert client.get(url).status_code == 404, (user, url)
            assert client.post(url, {"intro": "hijacked"}).status_code in (404, 405), (user, url)
    unchanged = LocalContent.objects.get(pk=local.pk)
    assert unchanged.intro == "<p>At our North clinic we offer it on Tuesdays.</p>"
    assert unchanged.live
    assert Practitioner.objects.filter(pk=person.pk).exists()


def test_listings_and_choosers_show_only_the_user_branch(world, logins, as_user):
    north_local(world)
    Practitioner.objects.create(branch=world.south, name="Dr Sam South")
    south = as_user(logins.south_editor)
    listing = south.get(SNIPPETS).content.decode()
    assert "at North" not in listing
    chooser = south.get("/admin/snippets/choose/clinics/practitioner/").content.decode()
    assert "Dr Sam South" in chooser
    assert "Lena Berg" not in chooser
    north_person = Practitioner.objects.get(branch=world.north)
    chosen = south.get(
        f"/admin/snippets/choose/clinics/practitioner/chosen-multiple/?id={north_person.pk}&id=x"
    )
    assert chosen.status_code == 200
    assert "Lena Berg" not in chosen.content.decode()
    people = south.get(PRACTITIONERS).content.decode()
    assert "Dr Sam South" in people and "Lena Berg" not in people


def test_library_editor_holds_no_right_on_local_content(world, logins, as_user):
    local = north_local(world)
    library = as_user(logins.library_editor)
    for url in (SNIPPETS, f"{SNIPPETS}add/", PRACTITIONERS, f"{SNIPPETS}edit/{local.pk}/"):
        response = library.get(url)
        assert response.status_code in (302, 403, 404), url
        assert "Lena Berg" not in response.content.decode()
    assert library.post(f"{SNIPPETS}edit/{local.pk}/", edit_form(local)).status_code == 404


def test_bulk_delete_by_another_branch_deletes_nothing_and_names_nothing(world, logins, as_user):
    local = north_local(world)
    person = Practitioner.objects.get(branch=world.north)
    moderator = as_user(logins.south_moderator)
    for model, pk in (("localcontent", local.pk), ("practitioner", person.pk)):
        url = f"/admin/bulk/clinics/{model}/delete/?id={pk}"
        page = moderator.get(url)
        assert "Lena Berg" not in page.content.decode()
        assert "at North" not in page.content.decode()
        moderator.post(url, form_url=None)
    assert LocalContent.objects.filter(pk=local.pk).exists()
    assert Practitioner.objects.filter(pk=person.pk).exists()


def test_a_branch_editor_cannot_change_the_shared_text_through_the_alias(world, logins, as_user):
    """The offered article stays read-only at the branch: its edit form changes nothing."""
    editor = as_user(logins.north_editor)
    url = reverse("wagtailadmin_pages:edit", args=[world.north_alias.pk])
    editor.post(url, {"title": "Hijacked", "slug": world.north_alias.slug, "action-publish": "1"})
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).title == world.article.title
    assert TreatmentPage.objects.get(pk=world.article.pk).title == world.article.title


def test_the_offered_article_links_to_its_local_content(world, logins, as_user):
    editor = as_user(logins.north_editor)
    url = reverse("wagtailadmin_pages:edit", args=[world.north_alias.pk])
    assert f"{SNIPPETS}add/?page_choice={world.north_alias.pk}" in editor.get(url).content.decode()
    local = north_local(world)
    assert f"{SNIPPETS}edit/{local.pk}/" in editor.get(url).content.decode()


# Approval by the branch's moderators


def test_only_the_branch_moderators_approve_its_local_content(world, logins, as_user):
    local = north_local(world)
    draft = LocalContent.objects.get(pk=local.pk)
    draft.intro = "<p>New words.</p>"
    revision = draft.save_revision(user=logins.north_editor)
    workflow = draft.get_workflow()
    assert workflow == world.north.local_workflow
    state = workflow.start(draft, logins.north_editor)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert list(task.groups.all()) == [world.north.moderators]
    assert task.get_actions(draft, logins.south_moderator) == []
    assert task.get_actions(draft, logins.north_editor) == []

    south = as_user(logins.south_moderator)
    action = f"{SNIPPETS}workflow/action/{local.pk}/approve/{task_state.pk}/"
    assert south.post(action).status_code == 404
    assert (
        LocalContent.objects.get(pk=local.pk).intro
        == "<p>At our North clinic we offer it on Tuesdays.</p>"
    )

    north = as_user(logins.north_moderator)
    response = north.post(action, form_url=f"{SNIPPETS}edit/{local.pk}/")
    assert response.status_code in (200, 302)
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_APPROVED
    published = LocalContent.objects.get(pk=local.pk)
    assert published.intro == "<p>New words.</p>"
    assert published.live_revision_id == revision.pk


def test_the_local_workflow_follows_the_branch(world):
    workflow = world.north.local_workflow
    assert workflow.name == "North local content approval"
    rename_clinic(world.north, name="Northside")
    workflow.refresh_from_db()
    assert workflow.name == "Northside local content approval"
    delete_clinic(world.north)
    assert not type(workflow).objects.filter(pk=workflow.pk).exists()
