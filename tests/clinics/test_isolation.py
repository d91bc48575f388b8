"""What each editor may see and do in the admin, at the HTTP level."""

import pytest
from django.urls import reverse
from wagtail_factories import DocumentFactory

from clinics import offering, services
from clinics.models import ClinicSettings
from tests.clinics.helpers import refused
from tests.factories import ImageFactory
from treatments.models import TreatmentPage

pytestmark = pytest.mark.django_db


def test_explorer_starts_at_own_branch(client, world, logins):
    """The north editor's explorer opens on North and lists North's pages only."""
    client.force_login(logins.north_editor)
    north_home, south_home = world.north.site.root_page_id, world.south.site.root_page_id
    library = world.article.get_parent().pk

    response = client.get("/admin/pages/", follow=True)
    body = response.content.decode()
    index = world.north_alias.get_parent()
    listing = client.get(f"/admin/pages/{index.pk}/").content.decode()

    assert response.redirect_chain[-1][0] == f"/admin/pages/{north_home}/"
    assert f"/admin/pages/{index.pk}/" in body
    assert f"/admin/pages/{south_home}/" not in body and f"/admin/pages/{library}/" not in body
    assert "Dry needling (IMS)" in listing and "North sports massage" in listing
    assert "South cupping" not in listing and "south-editor" not in listing


def test_listing_filters_name_only_own_site(client, world, logins):
    """The explorer's Site filter offers North only, not the other branches."""
    client.force_login(logins.north_editor)
    index = world.north_alias.get_parent()

    body = client.get(f"/admin/pages/{index.pk}/").content.decode()

    assert f'name="site" value="{world.north.site.pk}"' in body
    assert f'name="site" value="{world.south.site.pk}"' not in body


@pytest.mark.parametrize(
    "url",
    [
        "/admin/pages/{south_own}/edit/",
        "/admin/pages/{south_alias}/edit/",
        "/admin/pages/{article}/edit/",
        "/admin/pages/{south_own}/delete/",
        "/admin/pages/{south_index}/add_subpage/",
        "/admin/pages/add/treatments/treatmentpage/{south_index}/",
        "/admin/settings/clinics/clinicsettings/{south_site}/",
    ],
)
def test_north_editor_is_refused_south_and_library_urls(client, world, logins, url):
    """Another branch's pages and settings, and library articles, are refused (never a 500)."""
    client.force_login(logins.north_editor)
    south_index = world.south_alias.get_parent()
    url = url.format(
        south_home=world.south.site.root_page_id,
        south_index=south_index.pk,
        south_own=world.south_own.pk,
        south_alias=world.south_alias.pk,
        article=world.article.pk,
        library=world.article.get_parent().pk,
        south_site=world.south.site.pk,
    )

    assert refused(client, client.get(url))


def test_north_editor_cannot_change_library_or_south_content_by_post(client, world, logins):
    """A forged edit of the library article or of South's page changes nothing."""
    client.force_login(logins.north_editor)
    data = {"title": "Hacked", "slug": "ims", "action-publish": "publish"}

    for page in (world.article, world.south_own):
        assert refused(client, client.post(f"/admin/pages/{page.pk}/edit/", data))
    assert TreatmentPage.objects.get(pk=world.article.pk).title == "Dry needling (IMS)"
    assert TreatmentPage.objects.get(pk=world.south_own.pk).title == "South cupping"


@pytest.mark.parametrize("target", ["south_home", "south_index", "library", "root"])
def test_explorer_urls_outside_the_branch_lead_back_to_it(client, world, logins, target):
    """Opening South's or the library's listing sends the editor back to his own branch."""
    client.force_login(logins.north_editor)
    page_id = {
        "south_home": world.south.site.root_page_id,
        "south_index": world.south_alias.get_parent().pk,
        "library": world.article.get_parent().pk,
        "root": world.article.get_parent().get_parent().pk,
    }[target]

    response = client.get(f"/admin/pages/{page_id}/")

    assert response.status_code == 302
    assert response.url == f"/admin/pages/{world.north.site.root_page_id}/"


def test_admin_search_finds_only_own_branch(client, world, logins):
    """Searching pages finds North's alias and own article, never South's or the library's."""
    client.force_login(logins.north_editor)

    body = client.get("/admin/pages/search/", {"q": "North sports"}).content.decode()
    ims = client.get("/admin/pages/search/", {"q": "needling"}).content.decode()
    cupping = client.get("/admin/pages/search/", {"q": "cupping"}).content.decode()

    assert "North sports massage" in body
    assert f"/admin/pages/{world.north_alias.pk}/edit/" in ims
    assert f"/admin/pages/{world.south_alias.pk}/edit/" not in ims
    assert f"/admin/pages/{world.article.pk}/edit/" not in ims
    assert "South cupping" not in cupping


def test_page_chooser_offers_only_own_branch(client, world, logins):
    """Choosing a page to link to, the editor sees his branch, not South or the library."""
    client.force_login(logins.north_editor)

    root = client.get("/admin/choose-page/").content.decode()
    index = client.get(f"/admin/choose-page/{world.north_alias.get_parent().pk}/").content.decode()
    south = client.get(f"/admin/choose-page/{world.south_alias.get_parent().pk}/").content.decode()
    search = client.get("/admin/choose-page/search/", {"q": "cupping"}).content.decode()
    found = client.get("/admin/choose-page/search/", {"q": "massage"}).content.decode()

    assert "North" in root and "South" not in root and "Treatment library" not in root
    assert "North sports massage" in index
    assert "South cupping" not in south
    assert "South cupping" not in search
    assert "North sports massage" in found


def test_reports_list_only_own_branch(client, world, logins):
    """The aging-pages report lists North's pages and none of South's or the library's."""
    client.force_login(logins.north_moderator)

    body = client.get("/admin/reports/aging-pages/").content.decode()

    assert "North sports massage" in body
    assert "South cupping" not in body


def test_images_and_documents_stay_in_own_collection(client, world, logins):
    """North's editor lists and edits North's media; South's are refused."""
    north_image, south_image = (
        ImageFactory(title="north-door", collection=world.north.collection),
        ImageFactory(title="south-door", collection=world.south.collection),
    )
    north_doc, south_doc = (
        DocumentFactory(title="north-leaflet", collection=world.north.collection),
        DocumentFactory(title="south-leaflet", collection=world.south.collection),
    )
    client.force_login(logins.north_editor)

    images = client.get("/admin/images/").content.decode()
    chooser = client.get("/admin/images/chooser/").json()["html"]
    documents = client.get("/admin/documents/").content.decode()

    assert "north-door" in images and "south-door" not in images
    assert "north-door" in chooser and "south-door" not in chooser
    assert "north-leaflet" in documents and "south-leaflet" not in documents
    assert client.get(f"/admin/images/{north_image.pk}/").status_code == 200
    assert client.get(f"/admin/documents/edit/{north_doc.pk}/").status_code == 200
    assert refused(client, client.get(f"/admin/images/{south_image.pk}/"))
    assert refused(client, client.get(f"/admin/documents/edit/{south_doc.pk}/"))
    assert refused(client, client.post(f"/admin/images/{south_image.pk}/delete/"))
    assert south_image.__class__.objects.filter(pk=south_image.pk).exists()


def test_settings_editable_for_own_branch_only(client, world, logins):
    """North's editor edits North's settings; the settings menu never leads to South's."""
    client.force_login(logins.north_editor)
    own = f"/admin/settings/clinics/clinicsettings/{world.north.site.pk}/"

    assert client.get("/admin/settings/clinics/clinicsettings/").url == own
    response = client.post(
        own,
        {
            "name": "North",
            "address": "1 Harbour Road",
            "phone": "+44 1234 567890",
            "email": "north@example.org",
            "booking_url": "https://book.example.org/north",
            "opening_hours-count": "0",
        },
    )
    assert response.status_code == 302
    assert ClinicSettings.for_site(world.north.site).phone == "+44 1234 567890"
    assert refused(
        client,
        client.post(
            f"/admin/settings/clinics/clinicsettings/{world.south.site.pk}/",
            {"name": "Hacked", "opening_hours-count": "0"},
        ),
    )
    assert ClinicSettings.for_site(world.south.site).name == "South"


def test_branch_editor_sees_alias_as_library_content(client, world, logins):
    """An offered article says it comes from the library and is edited there, not here."""
    client.force_login(logins.north_editor)

    body = client.get(f"/admin/pages/{world.north_alias.pk}/edit/").content.decode()

    assert "comes from the group&#x27;s <strong>treatment library</strong>" in body or (
        "comes from the group's <strong>treatment library</strong>" in body
    )
    assert "ask the library editors" in body
    assert "ask\n            a moderator" in body or "ask a moderator" in " ".join(body.split())
    assert "Convert this alias" not in body
    content = body.split("data-alias-content")[1]
    assert "What is it?" in content and "A needle therapy." in content
    assert "Very thin needles release shortened muscles." in content


def test_branch_editor_previews_what_his_branch_shows(client, world, logins):
    """The alias's preview renders the library content; so do the article's public URLs."""
    client.force_login(logins.north_editor)

    preview = client.get(reverse("wagtailadmin_pages:view_draft", args=[world.north_alias.pk]))
    live = client.get("/treatments/ims/", HTTP_HOST="north.test")

    for response in (preview, live):
        assert response.status_code == 200
        body = response.content.decode()
        assert "<h1>Dry needling (IMS)</h1>" in body and "A needle therapy." in body
    assert client.get("/", HTTP_HOST="north.test").status_code == 200


def test_branch_moderator_may_withdraw_but_not_fork_an_alias(client, world, logins):
    """Deleting the alias withdraws it from North only; converting it to a copy is refused."""
    client.force_login(logins.north_moderator)

    notice = " ".join(
        client.get(f"/admin/pages/{world.north_alias.pk}/edit/").content.decode().split()
    )
    assert "delete this page: the library article and other branches keep it" in notice
    assert (
        client.post(f"/admin/pages/{world.north_alias.pk}/edit/", {"title": "x"}).status_code == 405
    )
    assert refused(client, client.post(f"/admin/pages/{world.north_alias.pk}/convert_alias/"))
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).alias_of_id == world.article.pk

    response = client.post(f"/admin/pages/{world.north_alias.pk}/delete/")

    assert response.status_code == 302
    assert not TreatmentPage.objects.filter(pk=world.north_alias.pk).exists()
    assert (
        TreatmentPage.objects.filter(pk__in=[world.article.pk, world.south_alias.pk]).count() == 2
    )


def test_branch_editor_cannot_withdraw_a_live_alias(client, world, logins):
    """Editors draft; taking a live article off the site is a moderator's decision."""
    client.force_login(logins.north_editor)

    assert refused(client, client.post(f"/admin/pages/{world.north_alias.pk}/delete/"))
    assert TreatmentPage.objects.filter(pk=world.north_alias.pk).exists()


def test_library_editor_edits_library_and_sees_branches(client, world, logins):
    """The library editor's article says where it is shown and links to the branches view."""
    client.force_login(logins.library_editor)

    body = client.get(f"/admin/pages/{world.article.pk}/edit/").content.decode()

    assert "Shown at: North, South." in body
    assert "Branches (2 of 2)" in body
    assert reverse("clinics_article_branches", args=[world.article.pk]) in body


def test_library_editor_is_refused_branch_pages(client, world, logins):
    """Library editors write the library; branches' own pages and settings are not theirs."""
    client.force_login(logins.library_editor)

    assert refused(client, client.get(f"/admin/pages/{world.north_own.pk}/edit/"))
    assert refused(
        client, client.get(f"/admin/settings/clinics/clinicsettings/{world.north.site.pk}/")
    )


def test_library_editor_offers_and_withdraws_in_one_action(client, world, logins):
    """Ticking branches offers the article at all of them; withdrawing asks first, then acts."""

    east = services.create_clinic(name="East", hostname="east.test")
    west = services.create_clinic(name="West", hostname="west.test")
    url = reverse("clinics_article_branches", args=[world.article.pk])
    client.force_login(logins.library_editor)

    page = client.get(url).content.decode()
    assert f'value="{east.pk}"' in page and "Withdraw from North" in page

    client.post(url, {"branches": [east.pk, west.pk], "offer": ""})
    assert set(offering.branches_carrying(world.article)) == {
        world.north.pk,
        world.south.pk,
        east.pk,
        west.pk,
    }

    withdraw = reverse("clinics_withdraw_article", args=[world.article.pk, world.south.pk])
    assert f'href="{withdraw}"' in client.get(url).content.decode()
    confirm = client.get(withdraw).content.decode()
    assert "Yes, withdraw from South" in confirm
    assert f"under the same id ({world.south_alias.pk})" in confirm
    assert len(offering.branches_carrying(world.article)) == 4  # asking changes nothing

    client.post(withdraw)
    assert set(offering.branches_carrying(world.article)) == {world.north.pk, east.pk, west.pk}
    assert TreatmentPage.objects.filter(pk=world.article.pk, live=True).exists()


@pytest.mark.parametrize("who", ["north_editor", "north_moderator", "south_editor"])
def test_branch_editors_are_refused_the_branches_view(client, world, logins, who):
    """Only library editors decide which branches carry a library article."""
    client.force_login(getattr(logins, who))
    url = reverse("clinics_article_branches", args=[world.article.pk])

    assert refused(client, client.get(url))
    withdraw = reverse("clinics_withdraw_article", args=[world.article.pk, world.north.pk])
    assert refused(client, client.get(withdraw))
    assert refused(client, client.post(withdraw))
    assert refused(client, client.post(url, {"branches": [world.north.pk]}))
    assert len(offering.branches_carrying(world.article)) == 2


def test_branches_view_refuses_non_library_pages(client, world, admin_user):
    """An alias or a branch's own article is not offered from here."""
    client.force_login(admin_user)

    for page in (world.north_alias, world.north_own):
        response = client.get(reverse("clinics_article_branches", args=[page.pk]))
        assert response.status_code == 404 or refused(client, response)


def test_unpublishing_an_alias_is_refused_with_the_way_to_withdraw(client, world, logins):
    """Unpublishing would not last (the next library publish restores it), so it is refused;
    the article's page says how to withdraw it instead."""
    client.force_login(logins.north_moderator)

    response = client.post(f"/admin/pages/{world.north_alias.pk}/unpublish/")
    assert refused(client, response)

    notice = " ".join(
        client.get(f"/admin/pages/{world.north_alias.pk}/edit/").content.decode().split()
    )
    assert "To stop showing it at this branch, delete this page" in notice
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).live


def test_superuser_unpublishing_an_alias_is_told_the_way_to_withdraw(client, world, admin_user):
    """A superuser passes the permission rule; the trap is still explained and refused."""
    client.force_login(admin_user)

    response = client.post(f"/admin/pages/{world.north_alias.pk}/unpublish/", follow=True)

    assert "Delete it here to withdraw it from this branch." in response.content.decode()
    assert TreatmentPage.objects.get(pk=world.north_alias.pk).live


def test_library_listing_offers_each_article_at_branches(client, world, logins):
    """The library's explorer says where each article is shown and links to offering it."""
    client.force_login(logins.library_editor)
    offering.withdraw_article(world.article, world.south)

    body = client.get(f"/admin/pages/{world.library.pk}/").content.decode()

    assert "Shown at 1 branch" in body
    assert reverse("clinics_article_branches", args=[world.article.pk]) in body


def test_library_explorer_explains_the_library(client, world, logins):
    """Library editors read what the library is, not Wagtail's "no site record" warning."""
    client.force_login(logins.library_editor)

    body = client.get(f"/admin/pages/{world.library.pk}/").content.decode()

    assert "data-library-explainer" in body
    assert "partners see it at the branches it is offered at" in body
    assert "no site record" not in body and "no site set up" not in body
