"""SQL queries per answer (server cache off): the same for 1, 20 or 100 articles."""

import pytest
from django.core.cache import cache

from tests.factories import ConditionFactory, TreatmentPageFactory
from treatments.models import ReadTotal, SessionGuidance, TreatmentOtherName

PAGES = "/api/v2/pages/"
FULL_LISTING = PAGES + "?type=treatments.TreatmentPage&clinic=north&fields=*&limit=100"
# restrictions, clinic site, document generations, count, page ids and stamps, their delivery
# documents, read totals (cms/api/documents.py)
LISTING_QUERIES = 7
# restrictions, clinic site, page, specific page, parent page (its stamp), document
# generations, the delivery document, read total
DETAIL_QUERIES = 8
# Rendering the documents of a listing (the first answer after a change): the pages' types,
# their specific rows, other names, guidance, conditions, gallery images (one query by
# GalleryField for the whole answer), locales, the originals of aliases (meta.alias_of), the
# restrictions Wagtail's serializer checks, structured_data (the originals, their clinical
# reviews, the clinic's settings: read, never created), the branch's live local content of
# the offered articles (clinics.local: one query, the practitioners only when one is named),
# and the upsert; the same for any number of articles.
RENDER_QUERIES = 14


@pytest.fixture(autouse=True)
def server_cache_off(settings):
    settings.API_SERVER_CACHE = False
    cache.clear()


def full_article(parent, conditions, guidance_rows: int):
    page = TreatmentPageFactory(parent=parent)
    page.other_names = [TreatmentOtherName(name=f"Other {n}") for n in range(2)]
    page.session_guidance = [
        SessionGuidance(condition=f"Condition {n}", min_sessions=1, max_sessions=2)
        for n in range(guidance_rows)
    ]
    page.conditions = conditions
    page.save_revision().publish()
    ReadTotal.objects.create(page=page, count=7)
    return page


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [1, 20, 100])
def test_listing_query_count_is_flat(
    client, library, north, offer, articles, django_assert_num_queries
):
    """Full articles with inline children, conditions and reads: the same queries at any size."""
    conditions = ConditionFactory.create_batch(2)
    for _ in range(articles):
        offer(full_article(library, conditions, guidance_rows=3), north.index)
    client.get(PAGES + "?clinic=north&limit=1")  # warm per-process caches (content types)

    with django_assert_num_queries(LISTING_QUERIES + RENDER_QUERIES):
        client.get(FULL_LISTING)  # renders every article's document
    with django_assert_num_queries(LISTING_QUERIES):
        response = client.get(FULL_LISTING)

    items = response.json()["items"]
    assert len(items) == articles
    assert all(len(item["session_guidance"]) == 3 for item in items)
    assert all(len(item["conditions"]) == 2 for item in items)
    assert all(item["read_count"] == 7 for item in items)


@pytest.mark.django_db
@pytest.mark.parametrize("guidance_rows", [1, 10])
def test_detail_query_count_is_flat(
    client, library, north, offer, guidance_rows, django_assert_num_queries
):
    alias = offer(
        full_article(library, ConditionFactory.create_batch(3), guidance_rows), north.index
    )
    url = f"{PAGES}{alias.pk}/?clinic=north"
    client.get(url)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(url)

    assert len(response.json()["session_guidance"]) == guidance_rows


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [1, 20])
def test_links_in_rich_text_cost_the_same_for_any_number_of_articles(
    client, library, north, offer, articles, django_assert_num_queries
):
    """Linked pages of the whole page of results resolve in two queries together."""
    target = TreatmentPageFactory(parent=library, body=[])
    offer(target, north.index)
    answer = f'<p><a linktype="page" id="{target.pk}">see</a></p>'
    for _ in range(articles):
        page = TreatmentPageFactory(
            parent=library, body=[("question", {"question": "Q?", "answer": answer})]
        )
        offer(page, north.index)
    url = PAGES + "?type=treatments.TreatmentPage&clinic=north&fields=body&limit=100"
    client.get(url)

    with django_assert_num_queries(6):
        response = client.get(url)

    answers = [i["body"][0]["value"]["answer"] for i in response.json()["items"] if i["body"]]
    assert len(response.json()["items"]) == articles + 1
    assert len(answers) == articles
    assert all("http://north.example.org/treatments/" in a for a in answers)


SYNC = "/api/v2/sync/?clinic=north&limit=100"
# First sync: clinic site, its change counter, restrictions and page ids, the pages' types and
# stamps, document generations (once), then per page type shown (home, index, articles: three)
# the pages view's restrictions and the delivery documents (cms/api/sync.py).
SYNC_FIRST_QUERIES = 12
# Changes: clinic site, its counter, the events, restrictions and the changed pages still
# shown, their types and stamps, generations, the pages view's restrictions and the documents
# of their one type, the tombstoned pages and their withdrawals.
SYNC_CHANGES_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("articles", [2, 20])
def test_sync_query_count_is_flat(
    client, library, north, offer, articles, django_assert_num_queries
):
    """A first sync and a sync of changes: the same queries for 2 or 20 changed articles."""
    conditions = ConditionFactory.create_batch(2)
    pages = [
        offer(full_article(library, conditions, guidance_rows=2), north.index)
        for _ in range(articles)
    ]
    client.get(SYNC)  # renders every document once, warms per-process caches
    with django_assert_num_queries(SYNC_FIRST_QUERIES):
        first = client.get(SYNC).json()
    assert len(first["upserts"]) == articles + 2  # and the home and index pages

    for page in pages:
        page.title += " (revised)"
        page.save()
    pages[0].unpublish()
    client.get(SYNC + "&token=" + first["sync_token"])  # renders the changed documents
    with django_assert_num_queries(SYNC_CHANGES_QUERIES):
        changes = client.get(SYNC + "&token=" + first["sync_token"]).json()
    assert len(changes["upserts"]) == articles - 1
    assert [t["reason"] for t in changes["tombstones"]] == ["unpublished"]
