"""Delivery documents: every answer assembled from them equals what the serializers produce."""

import io

import pytest
from django.core.management import call_command

from cms.models import DeliveryDocument
from cms.sites import clinic_site_rows
from tests.factories import ConditionFactory, TreatmentPageFactory
from treatments.models import ReadTotal, SessionGuidance, TreatmentOtherName

pytestmark = [pytest.mark.django_db]

PAGES = "/api/v2/pages/"
ARTICLES = "type=treatments.TreatmentPage"


@pytest.fixture(autouse=True)
def server_cache_off(settings, empty_cache):
    settings.API_SERVER_CACHE = False


@pytest.fixture
def rich_world(world):
    """The library article with everything an article shows, and a link to another article."""
    article = world.article
    article.other_names = [TreatmentOtherName(name="IMS"), TreatmentOtherName(name="Dry needle")]
    article.session_guidance = [
        SessionGuidance(condition="Lower back pain", min_sessions=6, max_sessions=8)
    ]
    article.conditions = ConditionFactory.create_batch(2)
    link = f'<p>See <a linktype="page" id="{world.north_own.pk}">cupping</a>.</p>'
    article.body = [("question", {"question": "Does it hurt?", "answer": link})]
    article.save_revision().publish()
    ReadTotal.objects.create(page=article, count=42)
    return world


def answers(client, settings, urls, documents: bool):
    settings.API_DELIVERY_DOCUMENTS = documents
    return {url: (r.status_code, r.json()) for url in urls for r in [client.get(url)]}


def same_with_and_without_documents(client, settings, urls):
    by_serializers = answers(client, settings, urls, documents=False)
    rendering = answers(client, settings, urls, documents=True)  # renders what is missing
    stored = answers(client, settings, urls, documents=True)  # from stored documents only
    for url in urls:
        assert rendering[url] == by_serializers[url], url
        assert stored[url] == by_serializers[url], url


def test_every_page_at_every_branch_is_answered_as_the_serializers_answer(
    client, settings, rich_world
):
    urls = []
    for site in clinic_site_rows():
        clinic = site.root_page.slug
        for page in site.root_page.get_descendants(inclusive=True).live().public():
            for fields in ("", "&fields=*", "&fields=_,title,read_count", "&fields=-title"):
                urls.append(f"{PAGES}{page.pk}/?clinic={clinic}{fields}")
        for query in (
            "",
            "&fields=*",
            f"&{ARTICLES}&fields=*",
            f"&{ARTICLES}&fields=_,summary,conditions,read_count_refreshed_at",
            f"&{ARTICLES}&fields=-title,read_count&order=-read_count",
            f"&{ARTICLES}&order=title&limit=1&offset=1",
            "&order=-id&fields=html_url,-slug",
            f"&{ARTICLES}&fields=*,-body&child_of={site.root_page.get_children().first().pk}",
        ):
            urls.append(f"{PAGES}?clinic={clinic}{query}")

    same_with_and_without_documents(client, settings, urls)
    assert DeliveryDocument.objects.count() >= 5


def test_errors_are_the_same_too(client, settings, rich_world):
    urls = [
        f"{PAGES}?clinic=north&fields=nonsense",
        f"{PAGES}?clinic=north&{ARTICLES}&fields=summary(title)",
        f"{PAGES}{rich_world.north_alias.pk}/?clinic=south",
    ]
    same_with_and_without_documents(client, settings, urls)


def test_a_publish_a_condition_rename_and_a_withdrawn_link_are_shown_at_once(client, rich_world):
    url = f"{PAGES}?clinic=south&{ARTICLES}&fields=summary,conditions,body"
    client.get(url)  # documents stored
    article = rich_world.article

    article.summary = "New summary."
    article.save_revision().publish()
    condition = article.conditions.first()
    condition.name = "Renamed condition"
    condition.save()
    item = client.get(url).json()["items"][0]

    assert item["summary"] == "New summary."
    assert "Renamed condition" in [c["name"] for c in item["conditions"]]
    # The link points at North's own article, which South does not show: no href there.
    assert "<a>cupping</a>" in item["body"][0]["value"]["answer"]


def test_the_links_follow_what_the_branch_shows(client, rich_world, offer):
    """Offering the linked article at South changes South's documents that link to it."""
    url = f"{PAGES}{rich_world.south_alias.pk}/?clinic=south&fields=body"
    assert "<a>cupping</a>" in client.get(url).json()["body"][0]["value"]["answer"]

    own = rich_world.north_own
    linked = TreatmentPageFactory(parent=rich_world.south_alias.get_parent(), slug=own.slug)
    rich_world.article.body = [
        (
            "question",
            {"question": "Q?", "answer": f'<p><a linktype="page" id="{linked.pk}">x</a></p>'},
        )
    ]
    rich_world.article.save_revision().publish()
    answer = client.get(url).json()["body"][0]["value"]["answer"]

    assert f'href="http://south.example.org/treatments/{own.slug}/"' in answer


def test_the_command_renders_every_document(client, settings, rich_world):
    out = io.StringIO()
    call_command("rebuild_delivery_documents", stdout=out)
    rendered = DeliveryDocument.objects.count()
    shown = sum(
        site.root_page.get_descendants(inclusive=True).live().public().count()
        for site in clinic_site_rows()
    )

    assert rendered == shown
    assert out.getvalue().endswith(f"{shown} documents rendered\n")
    assert not DeliveryDocument.objects.filter(detail=b"").exists()
    url = f"{PAGES}{rich_world.north_alias.pk}/?clinic=north"
    same_with_and_without_documents(client, settings, [url])
