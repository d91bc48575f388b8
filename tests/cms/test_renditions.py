"""Images in the pages API: renditions in named sizes, loaded once per listing."""

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile

from clinics.models import ClinicGalleryImage
from cms.models import CustomImage, CustomRendition
from cms.renditions import RENDITION_SIZES
from tests.factories import TreatmentPageFactory
from tests.s3 import image_bytes
from treatments.models import TreatmentGalleryImage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_cached_renditions(settings):
    """Renditions are cached by image id and file hash; test databases reuse both.

    The API's answer cache is off too: these tests count the queries of building an answer.
    """
    settings.API_SERVER_CACHE = False
    caches["default"].clear()


LISTING = "/api/v2/pages/?type=treatments.TreatmentPage&fields=hero_image,gallery_images"
# Measured and pinned; the same for 1 and 6 articles. The partner API's listing costs 4 (view
# restrictions, clinic site, count, pages); the image fields 5: hero images, their renditions,
# gallery rows, gallery images, their renditions, whatever the page size. (The API's generic
# prefetch leaves these fields alone: they load in bulk themselves.) The sites' root paths for
# html_url come from Wagtail's cache, warm here.
# Was 10: the generic prefetch read the hero images a second time; it now skips every field
# whose serializer loads in bulk.
LISTING_QUERIES = 9


def make_image(title: str, size=(1000, 700)) -> CustomImage:
    return CustomImage.objects.create(
        title=title,
        alt_text=f"{title}, described",
        credit="Clinic photo",
        file=ContentFile(image_bytes("PNG", size=size), name=f"{title}.png"),
    )


def illustrated_article(index, n: int):
    article = TreatmentPageFactory(parent=index, hero_image=make_image(f"hero-{n}"))
    for position in range(2):
        TreatmentGalleryImage.objects.create(
            page=article,
            image=make_image(f"gallery-{n}-{position}"),
            caption=f"Step {position + 1}",
            sort_order=position,
        )
    return article


@pytest.mark.parametrize("articles", [1, 6])
def test_listing_loads_images_once_whatever_its_size(
    client, north, articles, django_assert_num_queries, settings
):
    """Once the renditions exist, a listing makes none and its queries stay flat.

    Measured on the serializers' path, which renders the delivery documents (and answers
    searches); answers assembled from documents cost no image query at all.
    """
    settings.API_DELIVERY_DOCUMENTS = False
    settings.API_SERVER_CACHE = False
    for n in range(articles):
        illustrated_article(north.index, n)
    client.get(
        LISTING, HTTP_HOST=north.site.hostname
    )  # makes the renditions, warms per-process caches
    renditions = CustomRendition.objects.count()
    assert renditions == 3 * articles * len(RENDITION_SIZES)

    with django_assert_num_queries(LISTING_QUERIES):
        response = client.get(LISTING, HTTP_HOST=north.site.hostname)

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == articles
    assert all(set(item["hero_image"]) == set(RENDITION_SIZES) for item in items)
    assert [g["caption"] for g in items[0]["gallery_images"]] == ["Step 1", "Step 2"]
    assert CustomRendition.objects.count() == renditions


def test_first_listing_makes_each_rendition_once(client, north):
    """An image shown twice in one listing (hero here, gallery there) is rendered once per size."""
    shared = make_image("shared")
    first = TreatmentPageFactory(parent=north.index, hero_image=shared)
    second = TreatmentPageFactory(parent=north.index)
    TreatmentGalleryImage.objects.create(page=second, image=shared, sort_order=0)

    data = client.get(LISTING, HTTP_HOST=north.site.hostname).json()

    assert CustomRendition.objects.filter(image=shared).count() == len(RENDITION_SIZES)
    by_id = {item["id"]: item for item in data["items"]}
    assert by_id[first.pk]["hero_image"] == by_id[second.pk]["gallery_images"][0]["image"]


def test_article_detail_shows_renditions_in_every_size(client, north):
    article = illustrated_article(north.index, 1)

    data = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname).json()

    hero = data["hero_image"]
    image = article.hero_image
    assert {name: (v["width"], v["height"]) for name, v in hero.items()} == {
        "thumbnail": (320, 320),
        "card": (800, 450),
        # fill never upscales: a 1000px-wide original gives a 1000x564 crop, not 1600x900.
        "hero": (1000, 564),
    }
    assert hero["card"] == {
        "id": image.pk,
        "alt": "hero-1, described",
        "credit": "Clinic photo",
        "width": 800,
        "height": 450,
        "url": f"http://{north.site.hostname}{image.get_rendition('fill-800x450').url}",
    }
    assert [item["caption"] for item in data["gallery_images"]] == ["Step 1", "Step 2"]


def test_article_without_images_shows_null_and_an_empty_gallery(client, north):
    article = TreatmentPageFactory(parent=north.index)

    data = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname).json()

    assert data["hero_image"] is None
    assert data["gallery_images"] == []


def test_branch_home_page_shows_its_hero_image_and_gallery(client, north):
    north.home.hero_image = make_image("front-door")
    north.home.save()
    ClinicGalleryImage.objects.create(
        page=north.home, image=make_image("waiting-room"), caption="Waiting room", sort_order=0
    )

    data = client.get(f"/api/v2/pages/{north.home.pk}/", HTTP_HOST=north.site.hostname).json()

    assert data["hero_image"]["thumbnail"]["alt"] == "front-door, described"
    assert data["gallery_images"][0]["caption"] == "Waiting room"
    assert data["gallery_images"][0]["image"]["card"]["width"] == 800


def test_image_whose_file_is_gone_is_shown_as_null(client, north):
    """A missing original (deleted from the bucket by hand) never turns into a 500."""
    article = TreatmentPageFactory(parent=north.index, hero_image=make_image("lost"))
    article.hero_image.file.storage.delete(article.hero_image.file.name)

    response = client.get(f"/api/v2/pages/{article.pk}/", HTTP_HOST=north.site.hostname)

    assert response.status_code == 200
    assert response.json()["hero_image"] is None


def test_offered_article_shows_the_library_originals_images(client, library, north, offer):
    """A branch's alias of a library article carries the original's hero image and gallery."""
    original = illustrated_article(library, 1)
    alias = offer(original, north.index)

    data = client.get(f"/api/v2/pages/{alias.pk}/", HTTP_HOST=north.site.hostname).json()

    assert data["hero_image"]["card"]["id"] == original.hero_image_id
    assert [item["caption"] for item in data["gallery_images"]] == ["Step 1", "Step 2"]
