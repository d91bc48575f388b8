"""The partner change feed: a partner's copy of a clinic ends equal to the clinic's content."""

import pytest
from django.core import signing
from wagtail.models import Page, PageViewRestriction

from clinics import offering, services
from clinics.models import ClinicSettings
from cms.api.sync import SALT, prune_events
from cms.models import ChangeEvent, SyncCounter
from tests.clinics.local_helpers import north_local
from tests.factories import ConditionFactory, TreatmentPageFactory, reviewed
from treatments.models import ReadTotal, TreatmentPage

pytestmark = [pytest.mark.django_db]

SYNC = "/api/v2/sync/"
TYPES = ("clinics.ClinicHomePage", "treatments.TreatmentIndexPage", "treatments.TreatmentPage")


@pytest.fixture(autouse=True)
def server_cache_off(settings, empty_cache):
    settings.API_SERVER_CACHE = False


class Partner:
    """A partner's copy of one clinic, kept by the feed alone."""

    def __init__(self, client, clinic: str, limit: int = 2, **params):
        self.client = client
        self.clinic = clinic
        self.limit = limit
        self.params = params
        self.pages: dict[int, dict] = {}
        self.token: str | None = None
        self.answers = 0
        self.tombstones: list[dict] = []

    def ask(self, token: str | None) -> dict:
        query = {"clinic": self.clinic, "limit": self.limit, **self.params}
        if token:
            query["token"] = token
        response = self.client.get(SYNC, query)
        assert response.status_code == 200, response.content
        assert response["Cache-Control"] == "no-store"
        self.answers += 1
        return response.json()

    def sync(self) -> None:
        """Ask until a sync_token comes, applying every page of answers."""
        token = self.token
        while True:
            data = self.ask(token)
            assert (data["next_token"] is None) != (data["sync_token"] is None)
            assert len(data["upserts"]) + len(data["tombstones"]) <= self.limit
            for document in data["upserts"]:
                self.pages[document["id"]] = document
            for tombstone in data["tombstones"]:
                self.pages.pop(tombstone["id"], None)
                self.tombstones.append(tombstone)
            if data["sync_token"]:
                self.token = data["sync_token"]
                return
            token = data["next_token"]


def full_listing(client, clinic: str, **params) -> dict[int, dict]:
    """Every live page of the clinic as ``/api/v2/pages/?type=<type>&fields=*`` shows it."""
    found = {}
    for page_type in TYPES:
        query = {"clinic": clinic, "type": page_type, "fields": "*", "limit": 100, **params}
        response = client.get("/api/v2/pages/", query)
        assert response.status_code == 200, response.content
        found.update({item["id"]: item for item in response.json()["items"]})
    untyped = client.get("/api/v2/pages/", {"clinic": clinic, "limit": 100}).json()
    assert sorted(found) == sorted(item["id"] for item in untyped["items"])
    return found


def without_reads(listing: dict[int, dict]) -> dict[int, dict]:
    return {
        pk: {k: v for k, v in item.items() if k not in ("read_count", "read_count_refreshed_at")}
        for pk, item in listing.items()
    }


def library_article(world, title: str, slug: str):
    article = TreatmentPageFactory(parent=world.library, title=title, slug=slug)
    article.save_revision().publish()
    return reviewed(article)


def test_first_sync_pages_through_every_live_page_of_the_clinic_only(client, world):
    partner = Partner(client, "north", limit=1)
    partner.sync()

    assert partner.pages == without_reads(full_listing(client, "north"))
    assert partner.answers == len(partner.pages)  # one page per answer, then the token
    south_only = {world.south_alias.pk}
    assert not south_only & set(partner.pages)


def test_publish_offer_withdraw_unpublish_and_settings_end_in_exactly_the_live_content(
    client, world
):
    partner = Partner(client, "north")
    partner.sync()
    north = world.north
    index = services.treatment_index(north)

    new_own = TreatmentPageFactory(parent=index, title="Heat therapy", slug="heat")
    new_own.save_revision().publish()
    offered_article = library_article(world, "Shockwave", "shockwave")
    (offered,) = offering.offer_article(offered_article, [north])
    offering.withdraw_article(world.article, north)
    world.north_own.unpublish()
    settings = ClinicSettings.for_site(north.site)
    settings.name = "North Physio"
    settings.address = "1 High Street"
    settings.save()
    partner.sync()

    live = without_reads(full_listing(client, "north"))
    assert partner.pages == live
    assert {new_own.pk, offered.pk} <= set(live)
    reasons = {t["id"]: t["reason"] for t in partner.tombstones}
    assert reasons == {world.north_alias.pk: "withdrawn", world.north_own.pk: "unpublished"}
    assert {t["type"] for t in partner.tombstones} == {"treatments.TreatmentPage"}
    # The settings show in every article's structured data: the copy shows the new address.
    assert "1 High Street" in str(partner.pages[offered.pk]["structured_data"])


def test_deleted_private_and_moved_pages_become_tombstones_with_their_reason(
    client, world, make_branch
):
    partner = Partner(client, "north", limit=10)
    partner.sync()
    index = services.treatment_index(world.north)
    doomed = TreatmentPageFactory(parent=index, title="Doomed", slug="doomed")
    secret = TreatmentPageFactory(parent=index, title="Secret", slug="secret")
    mover = TreatmentPageFactory(parent=index, title="Mover", slug="mover")
    partner.sync()
    assert {doomed.pk, secret.pk, mover.pk} <= set(partner.pages)
    elsewhere = make_branch("west")

    doomed.delete()
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    Page.objects.get(pk=mover.pk).move(elsewhere.index, pos="last-child")
    partner.sync()

    reasons = {t["id"]: t["reason"] for t in partner.tombstones}
    assert reasons == {doomed.pk: "deleted", secret.pk: "private", mover.pk: "moved"}
    assert partner.pages == without_reads(full_listing(client, "north"))
    west = Partner(client, "west", limit=10)
    west.sync()
    assert mover.pk in west.pages


def test_a_read_count_change_is_no_change_unless_asked_for(client, world):
    partner = Partner(client, "north")
    partner.sync()
    ReadTotal.objects.create(page=world.article, count=7)

    data = partner.ask(partner.token)
    assert data["upserts"] == [] and data["tombstones"] == []
    with_reads = Partner(client, "north", include="read_count")
    with_reads.sync()
    assert with_reads.pages == full_listing(client, "north")
    assert with_reads.pages[world.north_alias.pk]["read_count"] == 7


def test_changes_are_compacted_to_one_entry_per_page(client, world):
    partner = Partner(client, "north", limit=20)
    partner.sync()
    for n in range(3):
        world.north_own.title = f"Cupping {n}"
        world.north_own.save_revision().publish()

    data = partner.ask(partner.token)
    assert [item["id"] for item in data["upserts"]] == [world.north_own.pk]
    assert data["upserts"][0]["title"] == "Cupping 2"


def test_a_tampered_token_or_another_clinics_is_a_400(client, world):
    partner = Partner(client, "north")
    partner.sync()
    south = Partner(client, "south")
    south.sync()

    tampered = partner.token[:-2] + ("AA" if not partner.token.endswith("AA") else "BB")
    for token, clinic in ((tampered, "north"), (south.token, "north"), ("", "north")):
        response = client.get(SYNC, {"clinic": clinic, "token": token})
        assert response.status_code == 400
        assert response.json()["message"]
    forged = signing.dumps({"s": world.north.site.pk, "a": 0}, salt="another salt")
    assert client.get(SYNC, {"clinic": "north", "token": forged}).status_code == 400
    assert client.get(SYNC, {"clinic": "north", "limit": 0}).status_code == 400
    assert client.get(SYNC, {"clinic": "north", "include": "x"}).status_code == 400
    assert client.get(SYNC, {"clinic": "north", "offset": 2}).status_code == 400
    assert client.get(SYNC, {"clinic": "nowhere"}).status_code == 404
    genuine = signing.dumps({"s": world.north.site.pk, "a": 0}, salt=SALT)
    assert client.get(SYNC, {"clinic": "north", "token": genuine}).status_code == 200


def test_an_expired_token_or_pruned_changes_are_a_410_telling_to_start_over(
    client, world, settings
):
    partner = Partner(client, "north")
    partner.sync()
    world.north_own.save_revision().publish()

    settings.SYNC_TOKEN_MAX_AGE = -1
    response = client.get(SYNC, {"clinic": "north", "token": partner.token})
    assert response.status_code == 410
    assert "start over without a token" in response.json()["message"]

    settings.SYNC_TOKEN_MAX_AGE = 3600
    settings.SYNC_EVENT_RETENTION_DAYS = 0
    assert prune_events() > 0
    response = client.get(SYNC, {"clinic": "north", "token": partner.token})
    assert response.status_code == 410
    assert "start over without a token" in response.json()["message"]
    fresh = Partner(client, "north")
    fresh.sync()
    assert fresh.pages == without_reads(full_listing(client, "north"))


def test_events_are_numbered_per_clinic_in_the_changes_transaction(world):
    site = world.north.site
    before = SyncCounter.objects.get(site=site).last_number
    world.north_own.save_revision().publish()

    counter = SyncCounter.objects.get(site=site)
    numbers = list(
        ChangeEvent.objects.filter(site=site).order_by("number").values_list("number", flat=True)
    )
    assert counter.last_number > before
    assert numbers == list(range(1, counter.last_number + 1))
    assert not ChangeEvent.objects.filter(site=world.south.site, page_id=world.north_own.pk)


def test_an_article_offered_again_comes_back_under_the_id_the_partner_had(client, world):
    partner = Partner(client, "north")
    partner.sync()
    offering.withdraw_article(world.article, world.north)
    partner.sync()
    assert world.north_alias.pk not in partner.pages

    (restored,) = offering.offer_article(world.article, [world.north])
    partner.sync()

    assert restored.pk == world.north_alias.pk
    assert partner.pages == without_reads(full_listing(client, "north"))
    assert world.north_alias.pk in partner.pages


def test_republishing_an_original_tells_nothing_of_a_branch_it_was_withdrawn_from(client, world):
    offering.withdraw_article(world.article, world.north)
    partner = Partner(client, "north")
    partner.sync()
    published = ChangeEvent.objects.filter(kind="published")
    before = published.filter(site=world.north.site).count()

    world.article.title = "Dry needling (revised)"
    world.article.save_revision().publish()

    # Not "published" at North (no webhook either): the alias was live only inside the commit.
    assert published.filter(site=world.north.site).count() == before
    assert published.filter(site=world.south.site, page_id=world.south_alias.pk)
    partner.sync()
    assert world.north_alias.pk not in partner.pages
    assert partner.pages == without_reads(full_listing(client, "north"))


def test_a_branchs_local_part_published_reaches_its_partners_copy(client, world):
    partner = Partner(client, "north")
    partner.sync()
    assert partner.pages[world.north_alias.pk]["local"] is None

    north_local(world)
    partner.sync()

    local = partner.pages[world.north_alias.pk]["local"]
    assert local["price_note"] == "60 EUR a session"
    assert partner.pages == without_reads(full_listing(client, "north"))


def test_a_renamed_condition_or_a_new_review_reaches_every_branch_showing_the_article(
    client, world
):
    condition = ConditionFactory(name="Back pain")
    world.article.conditions = [condition]
    world.article.save_revision().publish()
    north, south = Partner(client, "north"), Partner(client, "south")
    north.sync()
    south.sync()

    condition.name = "Lower back pain"
    condition.save()
    reviewed(TreatmentPage.objects.get(pk=world.article.pk))
    north.sync()
    south.sync()

    for partner, alias in ((north, world.north_alias), (south, world.south_alias)):
        assert partner.pages == without_reads(full_listing(client, partner.clinic))
        assert [c["name"] for c in partner.pages[alias.pk]["conditions"]] == ["Lower back pain"]
