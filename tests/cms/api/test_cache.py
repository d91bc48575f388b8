"""HTTP validators and the server-side answer cache: fast, and never stale after a change."""

import pytest
from django.core.cache import cache

from tests.factories import TreatmentPageFactory
from treatments.models import ReadTotal
from treatments.reads.events import read_totals_refreshed

PAGES = "/api/v2/pages/"
LISTING = PAGES + "?type=treatments.TreatmentPage&clinic=north&fields=summary,read_count"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def offered(library, north, offer):
    article = TreatmentPageFactory(parent=library, summary="First text.")
    return article, offer(article, north.index)


def test_answers_carry_validators_and_cache_control(client, offered):
    response = client.get(LISTING)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Accept" in response["Vary"]


def test_conditional_get_answers_304(client, offered):
    first = client.get(LISTING)

    by_etag = client.get(LISTING, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get(LISTING, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    other_etag = client.get(LISTING, HTTP_IF_NONE_MATCH='"something-else"')

    assert by_etag.status_code == 304
    assert by_etag["ETag"] == first["ETag"]
    assert by_etag["Cache-Control"] == "public, max-age=60"
    assert by_date.status_code == 304
    assert other_etag.status_code == 200


def test_a_warm_answer_costs_no_query(client, offered, django_assert_num_queries):
    _, alias = offered
    detail = f"{PAGES}{alias.pk}/?clinic=north"
    first_listing, first_detail = client.get(LISTING), client.get(detail)

    with django_assert_num_queries(0):
        listing, again = client.get(LISTING), client.get(detail)

    assert listing.content == first_listing.content
    assert again.content == first_detail.content


def test_with_the_server_cache_off_validators_still_work(
    client, offered, settings, django_assert_num_queries
):
    settings.API_SERVER_CACHE = False
    first = client.get(LISTING)

    # restrictions, clinic, document generations, count, page stamps, documents, read totals
    with django_assert_num_queries(7):
        again = client.get(LISTING, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_publishing_the_library_article_updates_every_clinic_answer_at_once(client, offered):
    """The branch alias detail and the listings show the new text on the next request."""
    article, alias = offered
    detail = f"{PAGES}{alias.pk}/?clinic=north"
    old_etag = client.get(detail)["ETag"]
    assert client.get(LISTING).json()["items"][0]["summary"] == "First text."

    article.summary = "Second text."
    article.save_revision().publish()

    assert client.get(detail).json()["summary"] == "Second text."
    assert client.get(LISTING).json()["items"][0]["summary"] == "Second text."
    assert client.get(detail, HTTP_IF_NONE_MATCH=old_etag).status_code == 200


def test_unpublishing_removes_the_article_from_every_answer(client, offered):
    article, alias = offered
    detail = f"{PAGES}{alias.pk}/?clinic=north"
    assert client.get(detail).status_code == 200
    assert len(client.get(LISTING).json()["items"]) == 1

    article.unpublish()

    assert client.get(detail).status_code == 404
    assert client.get(LISTING).json()["items"] == []


def test_a_draft_save_changes_no_answer(client, offered):
    article, _ = offered
    client.get(LISTING)

    article.summary = "Not yet."
    article.save_revision()

    assert client.get(LISTING).json()["items"][0]["summary"] == "First text."


def test_read_refresh_signal_updates_read_count(client, offered):
    """Refreshes write in bulk (no model signals); their signal alone must purge."""
    article, _ = offered
    ReadTotal.objects.create(page=article, count=1)
    assert client.get(LISTING).json()["items"][0]["read_count"] == 1

    ReadTotal.objects.filter(page=article).update(count=5)
    assert client.get(LISTING).json()["items"][0]["read_count"] == 1  # cached until told
    read_totals_refreshed.send(sender=None, page_ids=[article.pk])

    assert client.get(LISTING).json()["items"][0]["read_count"] == 5


def test_moving_a_page_out_of_the_branch_removes_it(client, north, south):
    own = TreatmentPageFactory(parent=north.index)
    assert [i["id"] for i in client.get(LISTING).json()["items"]] == [own.pk]

    own.move(south.index, pos="last-child")

    assert client.get(LISTING).json()["items"] == []


def test_the_browsable_api_is_never_stored(client, offered):
    html = client.get(LISTING, HTTP_ACCEPT="text/html")
    json_answer = client.get(LISTING)

    assert html["Content-Type"].startswith("text/html")
    assert json_answer["Content-Type"] == "application/json"
    assert "ETag" not in html


def test_answers_differ_per_hostname(client, north, south):
    """Without ?clinic= the hostname picks the branch, so it is part of the cache key."""
    north_only = TreatmentPageFactory(parent=north.index)
    url = PAGES + "?type=treatments.TreatmentPage"

    north_items = client.get(url, HTTP_HOST="north.example.org").json()["items"]
    south_items = client.get(url, HTTP_HOST="south.example.org").json()["items"]

    assert [i["id"] for i in north_items] == [north_only.pk]
    assert south_items == []


def test_a_stored_answer_is_served_without_running_the_api_view(client, offered, monkeypatch):
    """A warm hit returns the stored bytes before DRF builds its request or runs the view."""
    from cms.api.pages import ClinicPagesAPIViewSet

    _, alias = offered
    detail = f"{PAGES}{alias.pk}/?clinic=north"
    first_listing, first_detail = client.get(LISTING), client.get(detail)

    def must_not_run(*args, **kwargs):
        raise AssertionError("the view ran for a stored answer")

    monkeypatch.setattr(ClinicPagesAPIViewSet, "initial", must_not_run)
    listing, again = client.get(LISTING), client.get(detail)
    not_modified = client.get(detail, HTTP_IF_NONE_MATCH=first_detail["ETag"])

    assert listing.content == first_listing.content
    assert again.content == first_detail.content
    assert again["ETag"] == first_detail["ETag"]
    assert not_modified.status_code == 304


def test_a_stored_answer_does_not_skip_keys_negotiation_or_rates(client, offered, settings):
    """Wrong partner keys, browsers asking for HTML and throttled clients get what DRF gives."""
    stored = client.get(LISTING)
    settings.API_THROTTLE_RATES = {"anon": "2/minute", "partner": "none"}

    wrong_key = client.get(LISTING, HTTP_X_API_KEY="not-a-key")
    html = client.get(LISTING, HTTP_ACCEPT="text/html")
    as_api = client.get(LISTING + "&format=api")
    rates = [client.get(LISTING).status_code for _ in range(3)]

    assert stored.status_code == 200
    assert wrong_key.status_code == 401
    assert html["Content-Type"].startswith("text/html")
    assert as_api["Content-Type"].startswith("text/html")
    assert rates[-1] == 429


def test_a_stored_answer_is_not_served_after_a_publish(client, offered):
    """The early path checks the content version as the view does: a publish is seen at once."""
    article, _ = offered
    client.get(LISTING)

    article.summary = "Second text."
    article.save_revision().publish()

    assert client.get(LISTING).json()["items"][0]["summary"] == "Second text."


@pytest.mark.django_db
def test_random_order_is_never_stored(client, library, north, offer):
    """order=random differs per request: no stored answer, and no CDN may keep it."""
    for n in range(8):
        offer(TreatmentPageFactory(parent=library, title=f"Article {n}"), north.index)
    url = "/api/v2/pages/?clinic=north&type=treatments.TreatmentPage&order=random"
    cache.clear()

    orders = {tuple(i["id"] for i in client.get(url).json()["items"]) for _ in range(12)}
    response = client.get(url)

    assert len(orders) > 1
    assert response["Cache-Control"] == "no-store"
    assert not cache.keys("api:answer:*")
    client.get(url.replace("&order=random", ""))
    assert len(cache.keys("api:answer:*")) == 1  # the ordinary listing is stored
