"""Precise invalidation: a change outdates exactly the answers that show it, by cache tag."""

import pytest

from cms.api import cache as answer_cache
from tests.factories import TreatmentPageFactory
from treatments.models import ReadTotal
from treatments.reads.events import read_totals_refreshed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

PAGES = "/api/v2/pages/"


def listing(clinic, fields="summary"):
    return f"{PAGES}?type=treatments.TreatmentPage&clinic={clinic}&fields={fields}"


def detail(page, clinic):
    return f"{PAGES}{page.pk}/?clinic={clinic}"


@pytest.fixture
def urls(world):
    """Every answer of both branches, warmed: each is then a HIT until something outdates it."""
    return {
        "north listing": listing("north"),
        "north listing with reads": listing("north", "read_count"),
        "north ordered by reads": listing("north") + "&order=-read_count",
        "south listing": listing("south"),
        "south listing with reads": listing("south", "read_count"),
        "north article": detail(world.north_alias, "north"),
        "south article": detail(world.south_alias, "south"),
        "north own": detail(world.north_own, "north"),
        "clinics": "/api/v2/clinics/",
        "images": "/api/v2/images/",
    }


def warm(client, urls):
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    misses = {name for name, url in urls.items() if cache_state(client, url) != "HIT"}
    assert misses == set()


def cache_state(client, url):
    return client.get(url)["X-Answer-Cache"]


def rebuilt(client, urls):
    return {name for name, url in urls.items() if cache_state(client, url) == "MISS"}


def test_answers_carry_the_tags_of_what_they_show(client, world):
    north_site = world.north.site.pk
    answer = client.get(detail(world.north_alias, "north"))
    parent = world.north_alias.get_parent().pk
    a_listing = client.get(listing("north", "read_count"))

    assert answer["xkey"].split() == sorted(
        ["g", f"s{north_site}", f"p{world.north_alias.pk}", f"p{parent}"]
    )
    assert answer["Surrogate-Key"] == answer["xkey"]
    assert answer["Cache-Tag"] == answer["xkey"].replace(" ", ",")
    assert answer["Surrogate-Control"] == "max-age=86400"
    assert a_listing["xkey"].split() == sorted(
        ["g", f"s{north_site}", f"l{north_site}", f"rl{north_site}"]
    )
    assert client.get("/api/v2/images/")["xkey"] == "g m"
    assert client.get("/api/v2/clinics/")["xkey"] == "c g"


def test_publishing_a_library_article_outdates_its_copies_and_their_listings_only(
    client, world, urls
):
    warm(client, urls)

    world.article.summary = "New text."
    world.article.save_revision().publish()

    assert rebuilt(client, urls) == {
        "north listing",
        "north listing with reads",
        "north ordered by reads",
        "south listing",
        "south listing with reads",
        "north article",
        "south article",
    }
    assert client.get(urls["south article"]).json()["summary"] == "New text."


def test_publishing_a_branch_article_leaves_the_other_branch_cached(client, world, urls):
    warm(client, urls)

    world.north_own.title = "Cupping, renamed"
    world.north_own.save_revision().publish()

    assert rebuilt(client, urls) == {
        "north listing",
        "north listing with reads",
        "north ordered by reads",
        "north own",
    }


def test_a_draft_save_outdates_nothing(client, world, urls):
    warm(client, urls)

    world.article.summary = "Draft only."
    world.article.save_revision()
    world.north_own.save_revision()

    assert rebuilt(client, urls) == set()


def test_a_read_refresh_outdates_only_answers_showing_those_reads(client, world, urls):
    warm(client, urls)
    ReadTotal.objects.update_or_create(page=world.article, defaults={"count": 7})
    warm(client, urls)  # setting a total by hand outdates its answers too; warm them again

    ReadTotal.objects.filter(page=world.article).update(count=9)  # as a refresh writes
    read_totals_refreshed.send(sender=ReadTotal, page_ids=[world.article.pk])

    assert rebuilt(client, urls) == {
        "north listing with reads",
        "north ordered by reads",
        "south listing with reads",
        "north article",
        "south article",
    }
    assert client.get(urls["north article"]).json()["read_count"] == 9


def test_clinic_settings_outdate_that_clinics_answers_only(client, world, urls):
    """The clinics endpoint, and North's pages (structured data shows North's address)."""
    from clinics.models import ClinicSettings

    warm(client, urls)

    settings = ClinicSettings.for_site(world.north.site)
    settings.phone = "+1 555 0100"
    settings.save()

    assert rebuilt(client, urls) == {
        "clinics",
        "north listing",
        "north listing with reads",
        "north ordered by reads",
        "north article",
        "north own",
    }


def test_last_modified_is_per_clinic(client, world, monkeypatch):
    """A change at South, a minute later, never answers 304 wrongly or changes North's date."""
    north_before = client.get(listing("north"))["Last-Modified"]
    south_before = client.get(listing("south"))["Last-Modified"]
    later = answer_cache.time.time() + 60
    monkeypatch.setattr(answer_cache.time, "time", lambda: later)
    TreatmentPageFactory(parent=world.south_alias.get_parent(), title="Cupping at South")

    north = client.get(listing("north"), HTTP_IF_MODIFIED_SINCE=north_before)
    south = client.get(listing("south"), HTTP_IF_MODIFIED_SINCE=south_before)

    assert north.status_code == 304
    assert south.status_code == 200
    assert south["Last-Modified"] != south_before
    assert client.get(listing("north"))["Last-Modified"] == north_before


def test_an_answer_built_while_content_changed_is_not_stored(client, world, monkeypatch):
    """A bump during a build means the data read may predate the change: serve, don't store."""
    from cms.api.pages import ClinicPagesAPIViewSet

    url = listing("north")
    original_build = ClinicPagesAPIViewSet.build_listing

    def build_then_change(self, request):
        response = original_build(self, request)
        answer_cache.bump(["p0"])  # any commit elsewhere, after this build read the database
        return response

    monkeypatch.setattr(ClinicPagesAPIViewSet, "build_listing", build_then_change)
    assert client.get(url)["X-Answer-Cache"] == "MISS"
    monkeypatch.setattr(ClinicPagesAPIViewSet, "build_listing", original_build)

    assert client.get(url)["X-Answer-Cache"] == "MISS"
    assert client.get(url)["X-Answer-Cache"] == "HIT"


def test_random_order_is_never_stored_nor_kept(client, world):
    url = listing("north") + "&order=random"

    answers = [client.get(url) for _ in range(2)]

    assert [a["X-Answer-Cache"] for a in answers] == ["MISS", "MISS"]
    assert answers[0]["Cache-Control"] == "no-store"
    assert "xkey" not in answers[0]


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a port nothing listens on, as when Redis is down."""
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "LOCATION": "redis://127.0.0.1:1/1",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
        }
    }


def test_with_redis_down_answers_come_from_the_database_and_publishing_works(
    client, world, redis_down
):
    url = listing("north")

    before = client.get(url)
    world.article.summary = "Published while Redis is down."
    world.article.save_revision().publish()
    after = client.get(url)

    assert before.status_code == after.status_code == 200
    assert after["X-Answer-Cache"] == "MISS"
    assert after.json()["items"][0]["summary"] == "Published while Redis is down."
