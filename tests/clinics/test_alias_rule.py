"""No route of Wagtail's admin forks, unpublishes, moves or copies a library article at a branch.

Every request is sent as the browser sends it: signed in, with the CSRF token (in the form, or
in X-CSRFToken for the admin API the page explorer's JavaScript calls).
"""

import html

import pytest
from wagtail.models import Page

from clinics import services
from tests.clinics.helpers import refused
from treatments.models import TreatmentPage

pytestmark = pytest.mark.django_db

ACTION = "/admin/api/main/pages/{id}/action/{action}/"


@pytest.fixture
def index(world):
    return services.treatment_index(world.north)


@pytest.fixture
def editor(logins, as_user):
    return as_user(logins.north_editor)


@pytest.fixture
def moderator(logins, as_user):
    return as_user(logins.north_moderator)


@pytest.fixture
def both(world, logins, as_user):
    """Someone in the library editors and North's moderators: rights at both ends."""
    user = logins.library_editor
    user.groups.add(world.north.moderators)
    return as_user(user)


def unchanged(world) -> bool:
    """North's copy is still the library's live alias, where it was, and nothing was copied."""
    alias = TreatmentPage.objects.get(pk=world.north_alias.pk)
    copies = TreatmentPage.objects.filter(title=world.article.title, alias_of__isnull=True)
    return (
        alias.live
        and alias.alias_of_id == world.article.pk
        and alias.get_parent().pk == world.north_alias.get_parent().pk
        and list(copies.values_list("pk", flat=True)) == [world.article.pk]
    )


@pytest.mark.parametrize("who", ["editor", "moderator", "both"])
@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("convert_alias", {}),
        ("unpublish", {}),
        ("move", {"destination_page_id": "{home}"}),
        ("copy", {"destination_page_id": "{index}", "update_attrs": {"slug": "fork"}}),
    ],
)
def test_admin_api_actions_on_the_alias_are_refused(request, world, index, who, action, data):
    client = request.getfixturevalue(who)
    ids = {"{home}": index.get_parent().pk, "{index}": index.pk}
    data = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in data.items()}

    response = client.post_json(
        ACTION.format(id=world.north_alias.pk, action=action), data, form_url="/admin/"
    )

    assert response.status_code == 403, response.content
    assert unchanged(world)


@pytest.mark.parametrize("who", ["moderator", "both"])
def test_admin_api_cannot_publish_the_alias_on_its_own(request, world, who):
    """An alias has no revisions of its own: Wagtail answers 400, and nothing changes."""
    client = request.getfixturevalue(who)

    response = client.post_json(
        ACTION.format(id=world.north_alias.pk, action="publish"), {}, form_url="/admin/"
    )

    assert response.status_code == 400
    assert "called on an alias page" in response.json()["message"]
    assert unchanged(world)


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("copy", {"destination_page_id": "{index}", "update_attrs": {"slug": "fork"}}),
        ("move", {"destination_page_id": "{index}"}),
        ("create_alias", {"destination_page_id": "{index}", "update_slug": "second"}),
    ],
)
def test_library_article_does_not_leave_the_library_by_the_api(both, world, index, action, data):
    """Even with rights at both ends, the article is offered from the Branches view only."""
    data = {k: index.pk if v == "{index}" else v for k, v in data.items()}

    response = both.post_json(
        ACTION.format(id=world.article.pk, action=action), data, form_url="/admin/"
    )

    assert response.status_code == 403, response.content
    assert unchanged(world)
    assert world.article.get_parent().specific_class.__name__ == "TreatmentLibraryPage"
    assert TreatmentPage.objects.filter(alias_of=world.article).count() == 2


@pytest.mark.parametrize("who", ["editor", "moderator"])
@pytest.mark.parametrize("view", ["convert_alias", "unpublish", "move", "copy"])
def test_admin_views_on_the_alias_are_refused(request, world, who, view):
    client = request.getfixturevalue(who)
    url = f"/admin/pages/{world.north_alias.pk}/{view}/"

    assert refused(client, client.get(url))
    assert refused(client, client.post(url, {}))
    assert unchanged(world)


def test_copying_the_library_article_into_the_branch_is_refused(both, world, index):
    url = f"/admin/pages/{world.article.pk}/copy/"
    data = {
        "new_title": "Forked",
        "new_slug": "forked",
        "new_parent_page": index.pk,
        "publish_copies": "on",
    }

    response = both.post(url, data, form_url=url)

    assert response.status_code == 200  # the form again, with the refusal on the destination
    assert "You do not have permission to copy to page" in response.content.decode()
    assert unchanged(world)


def test_moving_the_library_article_into_the_branch_is_refused(both, world, index):
    """The move view sends him back to choosing a destination; the article stays put."""
    chooser = f"/admin/pages/{world.article.pk}/move/"
    url = f"/admin/pages/{world.article.pk}/move/{index.pk}/confirm/"

    response = both.post(url, {}, form_url=chooser)

    assert response.status_code == 302 and response.url == chooser
    assert TreatmentPage.objects.get(pk=world.article.pk).get_parent().pk == world.library.pk


@pytest.mark.parametrize("who", ["editor", "moderator"])
@pytest.mark.parametrize("action", ["unpublish", "move", "publish"])
def test_bulk_actions_leave_the_alias_alone(request, world, index, who, action):
    client = request.getfixturevalue(who)
    url = f"/admin/bulk/wagtailcore/page/{action}/?id={world.north_alias.pk}"

    confirmation = html.unescape(client.get(url).content.decode())
    client.post(url, {"chooser": index.get_parent().pk, "include_descendants": ""}, form_url=url)

    assert f"You don't have permission to {action} this page" in confirmation
    assert unchanged(world)


def test_bulk_delete_of_the_alias_needs_a_publisher(world, editor, moderator):
    """Editors cannot take the live article off; the branch's moderator may withdraw it."""
    url = f"/admin/bulk/wagtailcore/page/delete/?id={world.north_alias.pk}"

    editor.post(url, {}, form_url=url)
    assert unchanged(world)

    moderator.post(url, {}, form_url=url)
    assert not Page.objects.filter(pk=world.north_alias.pk).exists()
    assert TreatmentPage.objects.filter(pk=world.south_alias.pk, live=True).exists()


def test_superuser_may_still_repair(world, admin_user, as_user):
    """The rule binds editors; a superuser converting an alias is a deliberate repair."""
    client = as_user(admin_user)

    response = client.post_json(
        ACTION.format(id=world.north_alias.pk, action="convert_alias"), {}, form_url="/admin/"
    )

    assert response.status_code == 200
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).alias_of_id is None
