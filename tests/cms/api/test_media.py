"""``/api/v2/images/`` and ``/api/v2/documents/``: public media only, flat queries, 4xx input."""

import pytest
import wagtail_factories
from django.core.cache import cache
from wagtail.models import Collection, CollectionViewRestriction

IMAGES = "/api/v2/images/"
DOCUMENTS = "/api/v2/documents/"
# the request's Site (is it a clinic?), restricted and branch collections, count, images, tags
IMAGE_LISTING_QUERIES = 6

pytestmark = pytest.mark.usefixtures("empty_cache")


def image(**kwargs):
    picture = wagtail_factories.ImageFactory(alt_text="A needle", **kwargs)
    picture.tags.add("needles", "ims")
    return picture


@pytest.mark.django_db
@pytest.mark.parametrize("images", [1, 20])
def test_image_listing_query_count_is_flat(client, images, django_assert_num_queries):
    for _ in range(images):
        image()
    client.get(IMAGES)
    cache.clear()

    with django_assert_num_queries(IMAGE_LISTING_QUERIES):
        response = client.get(IMAGES)

    items = response.json()["items"]
    assert len(items) == images
    assert all(item["meta"]["tags"] == ["ims", "needles"] for item in items)


@pytest.mark.django_db
def test_images_in_restricted_collections_are_in_no_answer(client):
    root = Collection.get_first_root_node()
    private = root.add_child(name="Private")
    CollectionViewRestriction.objects.create(
        collection=private, restriction_type=CollectionViewRestriction.LOGIN
    )
    shown, hidden = image(), image(collection=private)

    assert [i["id"] for i in client.get(IMAGES).json()["items"]] == [shown.pk]
    assert client.get(f"{IMAGES}{hidden.pk}/").status_code == 404
    detail = client.get(f"{IMAGES}{shown.pk}/").json()
    assert (detail["width"], detail["height"]) == (shown.width, shown.height)


@pytest.mark.django_db
def test_a_changed_image_title_shows_at_once(client):
    picture = image(title="Before")
    assert client.get(f"{IMAGES}{picture.pk}/").json()["title"] == "Before"

    picture.title = "After"
    picture.save()

    assert client.get(f"{IMAGES}{picture.pk}/").json()["title"] == "After"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        (IMAGES + "?id=abc", 400, "is not a valid value for id"),
        (IMAGES + "?width=99999999999", 400, "width is out of range"),
        (IMAGES + "?search=x&search_operator=nope", 400, "search_operator"),
        (IMAGES + "?tags=a&search=b", 400, "filtering by tag with a search query is not"),
        (IMAGES + "find/?id=abc", 400, "id must be a positive integer"),
        (IMAGES + "99999999999/", 404, "not found"),
        (DOCUMENTS + "?order=nope", 400, "cannot order by 'nope'"),
        (DOCUMENTS + "?limit=101", 400, "limit cannot be higher than 100"),
    ],
)
def test_bad_media_input_is_a_json_4xx(client, url, status, message):
    response = client.get(url)

    assert response.status_code == status, response.content
    assert message in response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [IMAGES, DOCUMENTS])
def test_media_search_combines_with_order_and_filters(client, endpoint):
    """Search narrows the ordered, filtered listing on images and documents as on pages."""
    if endpoint == IMAGES:
        for title in ["Needle chart", "Price list", "Needle care"]:
            image(title=title)
    else:
        for title in ["Needle chart", "Price list", "Needle care"]:
            wagtail_factories.DocumentFactory(title=title)

    def titles(query):
        response = client.get(endpoint + query)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles("?search=needle&order=-title") == ["Needle chart", "Needle care"]
    assert titles("?search=needle&order=title&search_operator=and") == [
        "Needle care",
        "Needle chart",
    ]
    assert titles("?search=needle&title=Needle care") == ["Needle care"]
    assert titles("?search=needle chart&search_operator=and&order=id") == ["Needle chart"]


@pytest.mark.django_db
def test_media_urls_use_the_requests_host(client):
    picture = image()
    document = wagtail_factories.DocumentFactory(title="Prices")

    images = client.get(IMAGES, HTTP_HOST="api.example.com").json()["items"]
    documents = client.get(DOCUMENTS, HTTP_HOST="api.example.com").json()["items"]
    found = client.get(f"{IMAGES}find/?id={picture.pk}", HTTP_HOST="api.example.com")

    assert images[0]["meta"]["detail_url"] == f"http://api.example.com/api/v2/images/{picture.pk}/"
    assert documents[0]["meta"]["detail_url"] == (
        f"http://api.example.com/api/v2/documents/{document.pk}/"
    )
    assert documents[0]["meta"]["download_url"].startswith("http://api.example.com/documents/")
    assert found["Location"] == f"http://api.example.com/api/v2/images/{picture.pk}/?"


@pytest.mark.django_db
def test_image_tags_filter_as_stock(client):
    both, knee = image(), wagtail_factories.ImageFactory()
    knee.tags.add("knee")
    both.tags.add("knee")

    def found(query):
        response = client.get(IMAGES + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert found("?tags=knee") == [both.pk, knee.pk]
    assert found("?tags=knee,ims") == [both.pk]
    assert found("?tags=nothing") == []
    assert client.get(f"{IMAGES}find/").json() == {"message": "not found"}
    assert client.get(f"{IMAGES}find/?id=0").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [IMAGES, DOCUMENTS])
def test_media_are_scoped_per_clinic(client, world, endpoint):
    """A branch's media, the library's and those of no branch; never another branch's."""
    from clinics.groups import get_or_create_library_collection

    make = image if endpoint == IMAGES else wagtail_factories.DocumentFactory
    public = make(title="public")
    library = make(title="library", collection=get_or_create_library_collection())
    north = make(title="north", collection=world.north.collection)
    north_child = make(
        title="north sub", collection=world.north.collection.add_child(name="North sub")
    )
    south = make(title="south", collection=world.south.collection)

    def titles(query, **extra):
        response = client.get(endpoint + query, **extra)
        assert response.status_code == 200, response.content
        return [item["title"] for item in response.json()["items"]]

    assert titles("?clinic=north") == ["public", "library", "north", "north sub"]
    assert titles("", HTTP_HOST="south.example.org") == ["public", "library", "south"]
    assert titles("") == ["public", "library"]
    assert client.get(f"{endpoint}{south.pk}/?clinic=north").status_code == 404
    assert client.get(f"{endpoint}{north_child.pk}/?clinic=north").status_code == 200
    assert client.get(f"{endpoint}{north.pk}/").status_code == 404
    assert client.get(f"{endpoint}{library.pk}/?clinic=south").status_code == 200
    assert client.get(f"{endpoint}{public.pk}/?clinic=south").status_code == 200
    unknown = client.get(endpoint + "?clinic=nowhere")
    assert (unknown.status_code, unknown.json()) == (400, {"message": "unknown clinic: 'nowhere'"})
