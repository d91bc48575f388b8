import pytest
from django.contrib.auth.models import Group
from wagtail.images import get_image_model
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
)

from clinics import groups, offering, services
from clinics.models import ClinicBranch, ClinicHomePage, ClinicSettings
from tests.factories import ImageFactory
from treatments.models import TreatmentIndexPage, TreatmentPage

pytestmark = pytest.mark.django_db


def page_perms(group):
    return {
        (p.page_id, p.permission.codename)
        for p in GroupPagePermission.objects.filter(group=group).select_related("permission")
    }


def collection_perms(group):
    return {
        (p.collection_id, p.permission.codename)
        for p in GroupCollectionPermission.objects.filter(group=group).select_related("permission")
    }


def test_create_clinic_builds_site_pages_settings_groups_and_collection():
    """One call makes the Site, its live home and treatments index, settings and both groups."""
    branch = services.create_clinic(name="North", hostname="North.Example.org")

    site = Site.objects.get(hostname="north.example.org")
    assert branch.site == site and site.site_name == "North" and site.port == 80
    home = site.root_page.specific
    assert isinstance(home, ClinicHomePage) and home.slug == "north" and home.live
    assert home.depth == 2
    index = services.treatment_index(branch)
    assert isinstance(index, TreatmentIndexPage) and index.live and index.slug == "treatments"
    assert ClinicSettings.for_site(site).name == "North"
    assert branch.editors.name == "North editors"
    assert branch.moderators.name == "North moderators"
    assert branch.collection.get_parent() == Collection.get_first_root_node()
    assert branch.collection.name == "North"


def test_branch_groups_get_exactly_their_branch_permissions():
    """Editors draft in their branch, moderators also publish; media and settings per branch."""
    branch = services.create_clinic(name="North", hostname="north.example.org")
    home_id, coll = branch.site.root_page_id, branch.collection_id

    assert page_perms(branch.editors) == {(home_id, "add_page"), (home_id, "change_page")}
    assert page_perms(branch.moderators) == {
        (home_id, f"{a}_page") for a in ("add", "change", "publish", "lock", "unlock")
    }
    assert collection_perms(branch.editors) == {
        (coll, f"{a}_{m}") for a in ("add", "change", "choose") for m in ("image", "document")
    }
    assert collection_perms(branch.moderators) == {
        (coll, f"{a}_{m}")
        for a in ("add", "change", "choose", "delete")
        for m in ("image", "document")
    } | {(coll, f"{a}_collection") for a in ("add", "change", "delete")}
    # Moderators' global publish right on local content is narrowed to their branch by the
    # local content policy (clinics.local.permissions).
    assert list(branch.editors.permissions.values_list("codename", flat=True)) == ["access_admin"]
    assert sorted(branch.moderators.permissions.values_list("codename", flat=True)) == [
        "access_admin",
        "publish_localcontent",
    ]
    for group in (branch.editors, branch.moderators):
        assert list(
            GroupSitePermission.objects.filter(group=group).values_list(
                "site_id", "permission__codename"
            )
        ) == [(branch.site.pk, "change_clinicsettings")]


def test_sync_branch_groups_removes_permissions_added_by_hand(world):
    """Code is the single description: a hand-made grant on another branch is taken away."""
    stray = GroupPagePermission.objects.create(
        group=world.north.editors,
        page=world.south.site.root_page,
        permission=GroupPagePermission.objects.first().permission,
    )

    groups.sync_branch_groups(world.north)

    assert not GroupPagePermission.objects.filter(pk=stray.pk).exists()
    assert page_perms(world.north.editors) == {
        (world.north.site.root_page_id, "add_page"),
        (world.north.site.root_page_id, "change_page"),
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "Other", "hostname": "north.example.org"}, "already serves"),
        ({"name": "North", "hostname": "other.example.org"}, 'slug "north"'),
        ({"name": "  ", "hostname": "x.example.org"}, "needs a name"),
        ({"name": "X", "hostname": " "}, "needs a hostname"),
    ],
)
def test_create_clinic_refuses_clashes_and_leaves_nothing_behind(kwargs, message):
    """A refused branch leaves no site, page, group or collection half-made."""
    services.create_clinic(name="North", hostname="north.example.org")
    counts = (Site.objects.count(), Page.objects.count(), Group.objects.count())

    with pytest.raises(services.ClinicError, match=message):
        services.create_clinic(**kwargs)

    assert (Site.objects.count(), Page.objects.count(), Group.objects.count()) == counts
    assert Collection.objects.count() == 2


def test_offering_creates_live_aliases_that_follow_the_library(world):
    """Publishing the library article once updates every branch that carries it."""
    for alias, branch in ((world.north_alias, world.north), (world.south_alias, world.south)):
        assert alias.alias_of_id == world.article.pk
        assert alias.get_parent().pk == services.treatment_index(branch).pk
        assert alias.live and alias.slug == "ims"

    world.article.title = "Dry needling, revised"
    world.article.summary = "New summary."
    world.article.save_revision().publish()

    for alias in TreatmentPage.objects.filter(alias_of=world.article):
        assert (alias.title, alias.summary) == ("Dry needling, revised", "New summary.")
    assert set(offering.branches_carrying(world.article)) == {world.north.pk, world.south.pk}


def test_offering_twice_keeps_one_alias_per_branch(world):
    """Offering is idempotent: a branch that already carries the article gets no second copy."""
    assert offering.offer_article(world.article, [world.north, world.south]) == []
    assert TreatmentPage.objects.filter(alias_of=world.article).count() == 2


def test_only_library_articles_can_be_offered(world):
    """A branch's own article or an alias is not library content."""
    with pytest.raises(services.ClinicError, match="not a library article"):
        offering.offer_article(world.north_own, [world.south])
    with pytest.raises(services.ClinicError, match="not a library article"):
        offering.offer_article(world.north_alias, [world.south])


def test_offering_refuses_when_the_branch_has_its_own_page_at_that_slug(world):
    """The branch's own page is never replaced by the library's."""
    other = services.create_clinic(name="East", hostname="east.test")
    own = services.treatment_index(other).add_child(
        instance=TreatmentPage(title="Our IMS", slug="ims")
    )

    with pytest.raises(services.ClinicError, match='already has its own page at "ims"'):
        offering.offer_article(world.article, [other])
    assert TreatmentPage.objects.get(pk=own.pk).title == "Our IMS"


def test_withdrawing_from_one_branch_leaves_the_others(world):
    """Withdrawal takes that branch's alias offline only; the original and the other stay."""
    assert offering.withdraw_article(world.article, world.north) is True

    assert not TreatmentPage.objects.get(pk=world.north_alias.pk).live
    assert TreatmentPage.objects.filter(pk=world.south_alias.pk, live=True).exists()
    assert TreatmentPage.objects.filter(pk=world.article.pk, live=True).exists()
    assert set(offering.branches_carrying(world.article)) == {world.south.pk}
    assert set(offering.branches_withdrawn(world.article)) == {world.north.pk}
    assert offering.withdraw_article(world.article, world.north) is False

    world.article.save_revision().publish()  # a later publish does not bring it back
    assert set(offering.branches_carrying(world.article)) == {world.south.pk}
    assert not TreatmentPage.objects.get(pk=world.north_alias.pk).live
    assert TreatmentPage.objects.get(pk=world.south_alias.pk).live


def test_offering_again_restores_the_same_page_with_current_content(world):
    """The id partners stored for North's copy answers again, with the library's latest text."""
    offering.withdraw_article(world.article, world.north)
    world.article.summary = "Revised while North did not show it."
    world.article.save_revision().publish()

    (restored,) = offering.offer_article(world.article, [world.north, world.south])

    assert restored.pk == world.north_alias.pk
    assert restored.live and restored.alias_of_id == world.article.pk
    assert restored.summary == "Revised while North did not show it."
    assert set(offering.branches_carrying(world.article)) == {world.north.pk, world.south.pk}
    assert offering.branches_withdrawn(world.article) == {}


@pytest.mark.parametrize("extra_branches", [0, 5])
def test_branches_carrying_costs_two_queries(world, extra_branches, django_assert_num_queries):
    """The branch list on a library article costs the same for 2 branches as for 7."""
    for n in range(extra_branches):
        branch = services.create_clinic(name=f"Branch {n}", hostname=f"b{n}.test")
        offering.offer_article(world.article, [branch])

    with django_assert_num_queries(2):
        carried = offering.branches_carrying(world.article)

    assert len(carried) == 2 + extra_branches


def test_rename_changes_name_and_hostname_and_keeps_everything_else(world, logins):
    """Renaming keeps the slug, pages, aliases and group members."""
    services.rename_clinic(world.north, name="North Harbour", hostname="harbour.test")

    branch = ClinicBranch.objects.get(pk=world.north.pk)
    assert (branch.site.hostname, branch.site.site_name) == ("harbour.test", "North Harbour")
    home = branch.site.root_page
    assert (home.title, home.slug) == ("North Harbour", "north")
    assert ClinicSettings.for_site(branch.site).name == "North Harbour"
    assert branch.editors.name == "North Harbour editors"
    assert list(branch.editors.user_set.all()) == [logins.north_editor]
    assert branch.collection.name == "North Harbour"
    alias = TreatmentPage.objects.get(pk=world.north_alias.pk)
    assert alias.url_path == "/north/treatments/ims/"
    assert alias.get_url(request=None) == "http://harbour.test/treatments/ims/"


def test_rename_refuses_a_hostname_another_branch_uses(world):
    """Two branches never share a hostname; nothing changes on refusal."""
    with pytest.raises(services.ClinicError, match="already serves south.test"):
        services.rename_clinic(world.north, name="Renamed", hostname="south.test")
    world.north.site.refresh_from_db()
    assert world.north.site.hostname == "north.test"


def test_delete_removes_branch_but_not_library_or_other_branch(world):
    """Deleting a branch takes its site, pages, aliases, groups and collection; media are kept."""
    image = ImageFactory(title="North front door", collection=world.north.collection)
    north = world.north
    ids = {
        "home": north.site.root_page_id,
        "site": north.site.pk,
        "editors": north.editors.pk,
        "moderators": north.moderators.pk,
        "collection": north.collection.pk,
    }

    summary = services.delete_clinic(north)

    assert summary.aliases == 1 and summary.own_articles == ["North sports massage"]
    assert summary.pages == 4 and summary.media_kept == 1
    assert not Site.objects.filter(pk=ids["site"]).exists()
    assert not Page.objects.filter(pk=ids["home"]).exists()
    assert not Page.objects.filter(pk__in=[world.north_alias.pk, world.north_own.pk]).exists()
    assert not Group.objects.filter(pk__in=[ids["editors"], ids["moderators"]]).exists()
    assert not Collection.objects.filter(pk=ids["collection"]).exists()
    assert not ClinicSettings.objects.filter(site_id=ids["site"]).exists()
    assert get_image_model().objects.get(pk=image.pk).collection.is_root()
    assert TreatmentPage.objects.filter(pk=world.article.pk, live=True).exists()
    assert TreatmentPage.objects.filter(pk=world.south_alias.pk, live=True).exists()
    assert set(offering.branches_carrying(world.article)) == {world.south.pk}


def test_partners_id_answers_404_while_withdrawn_and_again_after(world, client, empty_cache):
    """The API answers for North's stored id until withdrawal, then not, then again."""
    url = f"/api/v2/pages/{world.north_alias.pk}/?clinic=north"
    assert client.get(url).status_code == 200

    offering.withdraw_article(world.article, world.north)
    assert client.get(url).status_code == 404

    offering.offer_article(world.article, [world.north])
    response = client.get(url)
    assert response.status_code == 200
    assert response.json()["id"] == world.north_alias.pk
