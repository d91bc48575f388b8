"""Branch staff see nothing of other branches or unpublished library pages anywhere in the admin.

South has an own draft article and a private one; the library has an unpublished article.
North's editor and moderator ask for them by id in every admin view that takes ids, and read
every report and filter: none of their titles, nor South's staff, may appear.
"""

import html

import pytest
from wagtail.models import PageViewRestriction
from wagtail_factories import DocumentFactory

from clinics import services
from tests.factories import ImageFactory, TreatmentPageFactory

pytestmark = pytest.mark.django_db

SECRETS = ["South draft plan", "South private plan", "Library unpublished", "south-door"]
SECRETS += ["south-leaflet", "south-editor", "south-moderator"]


@pytest.fixture
def hidden(world, logins, as_user):
    """The pages, image and document North's staff must never see, with some history."""
    south_index = services.treatment_index(world.south)
    draft = TreatmentPageFactory(parent=south_index, title="South draft plan", slug="draft")
    draft.save_revision(user=logins.south_editor)
    private = TreatmentPageFactory(parent=south_index, title="South private plan", slug="p")
    private.save_revision(user=logins.south_moderator).publish()  # as an operator: no review
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    unpublished = TreatmentPageFactory(parent=world.library, title="Library unpublished")
    unpublished.save_revision(user=logins.library_editor)
    unpublished.unpublish()
    draft.get_workflow().start(draft, logins.south_editor)
    return {
        "pages": [draft.pk, private.pk, unpublished.pk, world.south_alias.pk],
        "image": ImageFactory(title="south-door", collection=world.south.collection).pk,
        "document": DocumentFactory(title="south-leaflet", collection=world.south.collection).pk,
    }


def leaked(response) -> list[str]:
    assert response.status_code < 500
    body = response.content.decode(errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        body = str(response.json())
    body = html.unescape(body)
    return [secret for secret in SECRETS if secret in body]


def urls(hidden) -> list[str]:
    pages = "&".join(f"id={pk}" for pk in hidden["pages"])
    draft, private, unpublished, _ = hidden["pages"]
    return [
        f"/admin/choose-page/chosen-multiple/?{pages}",
        f"/admin/choose-page/{draft}/",
        f"/admin/choose-page/{private}/",
        f"/admin/choose-page/{unpublished}/",
        *(f"/admin/bulk/wagtailcore/page/{a}/?{pages}" for a in ("delete", "unpublish", "move")),
        "/admin/bulk/wagtailcore/page/publish/?" + pages,
        f"/admin/bulk/cms/customimage/delete/?id={hidden['image']}",
        f"/admin/bulk/cms/customimage/add_tags/?id={hidden['image']}",
        f"/admin/bulk/cms/customimage/add_to_collection/?id={hidden['image']}",
        f"/admin/bulk/wagtaildocs/document/delete/?id={hidden['document']}",
        f"/admin/bulk/wagtaildocs/document/add_tags/?id={hidden['document']}",
        f"/admin/bulk/wagtaildocs/document/add_to_collection/?id={hidden['document']}",
        "/admin/reports/reads/",
        "/admin/reports/page-types-usage/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        "/admin/reports/site-history/",
        "/admin/reports/aging-pages/",
        "/admin/reports/locked/",
        "/admin/pages/search/?q=plan",
        "/admin/pages/search/?q=unpublished",
        "/admin/choose-page/search/?q=plan",
        "/admin/",
    ]


@pytest.mark.parametrize("who", ["north_editor", "north_moderator"])
def test_nothing_of_south_or_unpublished_library_pages_reaches_north_staff(
    world, logins, hidden, as_user, who
):
    client = as_user(getattr(logins, who))

    found = {url: leaked(client.get(url)) for url in urls(hidden)}

    assert {url: secrets for url, secrets in found.items() if secrets} == {}


def test_what_is_within_reach_is_still_there(world, logins, hidden, as_user):
    """The narrowed views still show the branch its own pages, media and reports."""
    client = as_user(logins.north_editor)
    own, alias = world.north_own.pk, world.north_alias.pk
    index = services.treatment_index(world.north).pk
    image = ImageFactory(title="north-door", collection=world.north.collection).pk

    chosen = client.get(f"/admin/choose-page/chosen-multiple/?id={own}&id=x&id={alias}")
    browse = client.get(f"/admin/choose-page/{index}/").json()["html"]
    bulk = client.get(f"/admin/bulk/wagtailcore/page/delete/?id={own}").content.decode()
    bulk = html.unescape(bulk)
    media = client.get(f"/admin/bulk/cms/customimage/delete/?id={image}").content.decode()

    assert sorted(r["id"] for r in chosen.json()["result"]) == sorted([own, alias])
    assert "North sports massage" in browse
    assert "You don't have permission to delete this page" in bulk
    assert "North sports massage" in bulk  # his own live page, which editors may not delete
    assert "north-door" in media


def test_page_types_usage_is_for_superusers(world, logins, admin_user, as_user):
    editor = as_user(logins.north_moderator)
    menu = editor.get("/admin/").content.decode()

    assert "/admin/reports/page-types-usage/" not in menu
    assert editor.get("/admin/reports/page-types-usage/").status_code == 302
    assert as_user(admin_user).get("/admin/reports/page-types-usage/").status_code == 200
