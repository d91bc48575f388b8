"""The partner API at a branch: the article with its ``local`` part, without hidden questions."""

import pytest
from django.core.cache import cache

from clinics.local.models import LocalContent, Practitioner
from clinics.local.services import publish_local_content
from tests.clinics.local_helpers import (
    QUESTIONS,
    north_local,
    publish_library_change,
    with_questions,
)
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db

PAGES = "/api/v2/pages/"
ARTICLES = PAGES + "?type=treatments.TreatmentPage&fields=*"


def detail(client, page, clinic):
    response = client.get(f"{PAGES}{page.pk}/?clinic={clinic}")
    assert response.status_code == 200, response.content
    return response.json()


def listing(client, clinic, query=""):
    response = client.get(f"{ARTICLES}&clinic={clinic}{query}")
    assert response.status_code == 200, response.content
    return response.json()["items"]


def questions_in(item) -> list[str]:
    return [block["value"]["question"] for block in item["body"] if block["type"] == "question"]


@pytest.fixture(params=[True, False], ids=["documents", "serializers"])
def delivery(request, settings, empty_cache):
    """Every assertion holds for answers assembled from documents and from the serializers."""
    settings.API_DELIVERY_DOCUMENTS = request.param
    settings.API_SERVER_CACHE = False
    return request.param


def test_north_shows_its_local_part_and_south_none(client, world, delivery):
    photo = ImageFactory(collection=world.north.collection, title="Lena")
    local = north_local(world)
    Practitioner.objects.filter(branch=world.north).update(photo=photo)
    publish_local_content(world.north_alias, practitioners=list(Practitioner.objects.all()))

    north = detail(client, world.north_alias, "north")
    assert north["local"]["intro"] == "<p>At our North clinic we offer it on Tuesdays.</p>"
    assert north["local"]["price_note"] == "60 EUR a session"
    (person,) = north["local"]["practitioners"]
    assert (person["name"], person["title"]) == ("Dr Lena Berg", "Physiotherapist")
    assert set(person["photo"]) == {"thumbnail", "card", "hero"}
    assert person["photo"]["card"]["id"] == photo.pk
    assert ".fill-800x450." in person["photo"]["card"]["url"]
    assert detail(client, world.south_alias, "south")["local"] is None

    (north_item,) = [i for i in listing(client, "north") if i["id"] == world.north_alias.pk]
    assert north_item["local"] == north["local"]
    assert [i["local"] for i in listing(client, "south")] == [None]
    assert local.pk


def test_hidden_questions_are_left_out_at_that_branch_only(client, world, delivery):
    ids = with_questions(world.article)
    north_local(world, hidden_questions=[ids[1]])

    kept, hidden = QUESTIONS[0][0], QUESTIONS[1][0]
    assert questions_in(detail(client, world.north_alias, "north")) == [kept]
    assert questions_in(detail(client, world.south_alias, "south")) == [kept, hidden]
    (north_item,) = [i for i in listing(client, "north") if i["id"] == world.north_alias.pk]
    assert questions_in(north_item) == [kept]
    assert questions_in(listing(client, "south")[0]) == [kept, hidden]


def test_drafts_of_local_content_never_show(client, world, delivery):
    local = north_local(world)
    draft = LocalContent.objects.get(pk=local.pk)
    draft.intro = "<p>Draft words.</p>"
    draft.save_revision()
    assert "Draft words" not in str(detail(client, world.north_alias, "north"))

    unpublished_draft = LocalContent(page=world.south_alias, intro="<p>South draft</p>", live=False)
    from clinics.local.services import prepare_local_content

    prepare_local_content(unpublished_draft).save()
    unpublished_draft.save_revision()
    assert detail(client, world.south_alias, "south")["local"] is None


def test_publishing_local_content_changes_the_cached_answer(client, world, settings):
    """With the server cache and documents on, a publish outdates the answers that show it."""
    settings.API_SERVER_CACHE = True
    settings.API_DELIVERY_DOCUMENTS = True
    cache.clear()
    url = f"{PAGES}{world.north_alias.pk}/?clinic=north"
    list_url = f"{ARTICLES}&clinic=north"
    assert client.get(url).json()["local"] is None
    assert {i["local"] is None for i in client.get(list_url).json()["items"]} == {True}

    north_local(world)

    assert client.get(url).json()["local"]["price_note"] == "60 EUR a session"
    items = client.get(list_url).json()["items"]
    assert [i["local"]["price_note"] for i in items if i["id"] == world.north_alias.pk] == [
        "60 EUR a session"
    ]
    local = LocalContent.objects.get(page=world.north_alias)
    local.unpublish()
    assert client.get(url).json()["local"] is None


def test_library_publish_keeps_the_local_part_in_the_answer(client, world, delivery):
    north_local(world)
    publish_library_change(world.article, "A new shared summary.")
    north = detail(client, world.north_alias, "north")
    assert north["summary"] == "A new shared summary."
    assert north["local"]["intro"] == "<p>At our North clinic we offer it on Tuesdays.</p>"


def search(client, clinic, words):
    response = client.get(f"{PAGES}?type=treatments.TreatmentPage&clinic={clinic}&search={words}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_local_text_is_searchable_at_its_branch_only(client, world):
    north_local(world, intro="<p>Our harbourside physiotherapists.</p>")
    assert search(client, "north", "harbourside") == [world.north_alias.pk]
    assert search(client, "south", "harbourside") == []
    assert search(client, "north", "harbourside&order=-first_published_at") == [
        world.north_alias.pk
    ]
    assert search(client, "north", "harbourside+nowhereword&search_operator=or") == [
        world.north_alias.pk
    ]
    # The shared text is still found at both.
    title_word = world.article.title.split()[0]
    assert world.north_alias.pk in search(client, "north", title_word)
    assert world.south_alias.pk in search(client, "south", title_word)


def test_hidden_questions_do_not_find_the_article_at_that_branch(client, world):
    ids = with_questions(world.article)
    north_local(world, hidden_questions=[ids[1]])
    assert search(client, "north", "pregnant") == []
    assert search(client, "south", "pregnant") == [world.south_alias.pk]
    assert search(client, "north", "cramp") == [world.north_alias.pk]


def test_renaming_a_practitioner_changes_the_answer(client, world, settings):
    settings.API_SERVER_CACHE = True
    settings.API_DELIVERY_DOCUMENTS = True
    cache.clear()
    north_local(world)
    url = f"{PAGES}{world.north_alias.pk}/?clinic=north"
    assert client.get(url).json()["local"]["practitioners"][0]["name"] == "Dr Lena Berg"
    person = Practitioner.objects.get(branch=world.north)
    person.name = "Dr Lena Berg-Lind"
    person.save()
    assert client.get(url).json()["local"]["practitioners"][0]["name"] == "Dr Lena Berg-Lind"
    person.delete()
    assert client.get(url).json()["local"]["practitioners"] == []


def offer_more_with_local(world, count: int) -> None:
    """``count`` more library articles offered at North, each with a published local part."""
    from clinics.offering import offer_article
    from tests.factories import TreatmentPageFactory, reviewed

    person = Practitioner.objects.get_or_create(branch=world.north, name="Dr Lena Berg")[0]
    start = LocalContent.objects.count()
    for n in range(start, start + count):
        article = TreatmentPageFactory(parent=world.library, title=f"Article {n}", slug=f"a-{n}")
        article.save_revision().publish()
        (alias,) = offer_article(reviewed(article), [world.north])
        publish_local_content(alias, intro=f"<p>Local {n}</p>", practitioners=[person])


def listing_queries(client, with_local: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"{ARTICLES}&clinic=north&limit=1")  # warm per-process caches
    with CaptureQueriesContext(connection) as queries:
        items = listing(client, "north")
    local = [item["local"] for item in items if item["local"]]
    assert len(local) == with_local
    assert all(part["practitioners"][0]["name"] == "Dr Lena Berg" for part in local)
    return len(queries)


def test_the_local_part_costs_the_same_queries_for_2_and_8_articles(client, world, settings):
    """Serializers' path (documents off, cache off): no query per article or practitioner."""
    settings.API_DELIVERY_DOCUMENTS = False
    settings.API_SERVER_CACHE = False
    north_local(world)
    offer_more_with_local(world, 1)
    few = listing_queries(client, 2)
    offer_more_with_local(world, 6)
    cache.clear()
    many = listing_queries(client, 8)
    assert few == many
