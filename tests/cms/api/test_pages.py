"""The partner pages endpoint: clinic scoping, structured article fields, visibility, input."""

import importlib

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from cms.demo import load_seed_article
from tests.factories import ConditionFactory, TreatmentPageFactory
from treatments.models import ReadTotal, SessionGuidance, TreatmentOtherName, TreatmentPage

PAGES = "/api/v2/pages/"
ARTICLES = PAGES + "?type=treatments.TreatmentPage"


@pytest.fixture
def seed(library, north, offer):
    article, _ = load_seed_article()
    alias = offer(article, north.index)
    return article, alias


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.django_db
def test_clinic_filter_returns_only_that_branchs_articles(client, world):
    """Each branch lists its own aliases and articles, never another's or the library's."""
    north_ids = [world.north_alias.pk, world.north_own.pk]

    assert ids(client.get(ARTICLES + "&clinic=north")) == north_ids
    assert ids(client.get(ARTICLES + "&clinic=south.example.org")) == [world.south_alias.pk]
    assert ids(client.get(ARTICLES, HTTP_HOST="south.example.org")) == [world.south_alias.pk]


@pytest.mark.django_db
def test_unknown_clinic_and_a_hostname_of_no_branch_are_400(client, north):
    response = client.get(ARTICLES + "&clinic=nowhere")
    assert response.status_code == 400
    assert response.json() == {"message": "unknown clinic: 'nowhere'"}

    response = client.get(ARTICLES)  # testserver: Wagtail's default site, no branch
    assert response.status_code == 400
    assert "pass ?clinic=" in response.json()["message"]


@pytest.mark.django_db
def test_seed_article_detail_has_structured_fields(client, seed):
    """Questions and answers, session guidance, conditions, other names and reads as fields."""
    article, alias = seed
    condition = ConditionFactory(name="Frozen shoulder", slug="frozen-shoulder")
    article.conditions.add(condition)
    article.save_revision().publish()
    refreshed = timezone.now()
    ReadTotal.objects.update_or_create(
        page=article, defaults={"count": 42, "refreshed_at": refreshed}
    )

    data = client.get(f"{PAGES}{alias.pk}/?clinic=north").json()

    assert data["id"] == alias.pk
    assert data["title"] == "Intramuscular Stimulation, Dry Needle Therapy"
    assert data["meta"]["type"] == "treatments.TreatmentPage"
    assert data["meta"]["html_url"] == (
        "http://north.example.org/treatments/intramuscular-stimulation-dry-needle-therapy/"
    )
    assert data["meta"]["alias_of"] == {
        "id": article.pk,
        "meta": {
            "type": "treatments.TreatmentPage",
            "detail_url": f"http://testserver/api/v2/pages/{article.pk}/",
            "html_url": None,
        },
        "title": article.title,
    }
    article.refresh_from_db()
    assert data["meta"]["first_published_at"] == (
        article.first_published_at.isoformat().replace("+00:00", "Z")
    )
    assert data["summary"].startswith("Dry needle therapy (IMS) treats")
    assert [n["name"] for n in data["other_names"]] == [
        "IMS",
        "Dry needling",
        "Intramuscular stimulation",
    ]
    assert data["sessions_per_week"] == 2
    assert [
        (g["condition"], g["min_sessions"], g["max_sessions"], g["note"])
        for g in data["session_guidance"]
    ] == [
        ("Pain that has just begun", 1, 2, ""),
        ("Lower back pain", 6, 8, ""),
        ("Neck pain", None, None, "A little faster than lower back pain"),
        ("Frozen shoulder", None, None, "More sessions than for lower back pain"),
    ]
    assert data["conditions"] == [
        {"id": condition.pk, "name": "Frozen shoulder", "slug": "frozen-shoulder"}
    ]
    assert data["read_count"] == 42
    assert data["read_count_refreshed_at"] == refreshed.isoformat().replace("+00:00", "Z")
    questions = [b["value"] for b in data["body"] if b["type"] == "question"]
    assert questions[0]["question"] == (
        "What is IMS (Intramuscular Stimulation, Dry Needle Therapy)?"
    )
    assert questions[0]["answer"].startswith("<p>Dry needle treatment is also known as")
    assert questions[0]["answered"] is True
    # The seed's unanswered question and its unplaced line wait for editors: not shown.
    assert [b["type"] for b in data["body"]] == ["question"] * 5
    assert all(q["answered"] for q in questions)


@pytest.mark.django_db
def test_read_count_comes_from_the_original_and_orders_the_listing(client, library, north, offer):
    quiet, popular = TreatmentPageFactory(parent=library), TreatmentPageFactory(parent=library)
    quiet_alias, popular_alias = offer(quiet, north.index), offer(popular, north.index)
    ReadTotal.objects.create(page=quiet, count=3)
    ReadTotal.objects.create(page=popular, count=30)

    response = client.get(ARTICLES + "&clinic=north&order=-read_count&fields=read_count")

    assert ids(response) == [popular_alias.pk, quiet_alias.pk]
    assert [i["read_count"] for i in response.json()["items"]] == [30, 3]
    assert ids(client.get(ARTICLES + "&clinic=north&order=read_count")) == [
        quiet_alias.pk,
        popular_alias.pk,
    ]


@pytest.mark.django_db
def test_rich_text_links_point_to_the_clinics_alias(client, library, north, south, offer):
    """A library answer linking a library article links, per clinic, to that clinic's alias."""
    target = TreatmentPageFactory(parent=library, title="Massage", slug="massage")
    linking = TreatmentPageFactory(
        parent=library,
        body=[
            (
                "question",
                {
                    "question": "Anything else?",
                    "answer": f'<p>See <a linktype="page" id="{target.pk}">massage</a>.</p>',
                },
            )
        ],
    )
    offer(target, north.index)
    north_linking, south_linking = offer(linking, north.index), offer(linking, south.index)

    north_body = client.get(f"{PAGES}{north_linking.pk}/?clinic=north").json()["body"]
    south_body = client.get(f"{PAGES}{south_linking.pk}/?clinic=south").json()["body"]

    assert north_body[0]["value"]["answer"] == (
        '<p>See <a href="http://north.example.org/treatments/massage/">massage</a>.</p>'
    )
    # South does not offer massage: the text stays, the link goes.
    assert south_body[0]["value"]["answer"] == "<p>See <a>massage</a>.</p>"


@pytest.mark.django_db
def test_search_finds_other_names_within_the_clinic(client, library, north, south, offer):
    article = TreatmentPageFactory(parent=library, title="Intramuscular Stimulation")
    TreatmentOtherName.objects.create(page=article, name="Dry needling")
    article.save_revision().publish()
    north_alias, _ = offer(article, north.index), offer(article, south.index)
    TreatmentPageFactory(parent=north.index, title="Massage", summary="Hands.", body=[])

    assert ids(client.get(ARTICLES + "&clinic=north&search=needling")) == [north_alias.pk]


def _hidden_pages(library, north, south, offer, django_user_model):
    """Pages north must never show: a draft, an unpublished one, private ones, south's."""
    draft = TreatmentPageFactory(parent=north.index, live=False, title="Draft")
    unpublished = TreatmentPageFactory(parent=north.index, title="Unpublished")
    unpublished.unpublish()
    private = TreatmentPageFactory(parent=north.index, title="Private")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    members = TreatmentPageFactory(parent=north.index, title="Members")
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    southern = TreatmentPageFactory(parent=south.index, title="Southern")
    original = TreatmentPageFactory(parent=library, title="Library only")
    return [draft, unpublished, private, members, southern, original]


@pytest.mark.django_db
def test_hidden_pages_are_in_no_answer(client, library, north, south, offer, django_user_model):
    """Not in listings, search, child_of, descendant_of, find or detail, even logged in."""
    hidden = _hidden_pages(library, north, south, offer, django_user_model)
    visible = TreatmentPageFactory(parent=north.index, title="Visible")
    user = django_user_model.objects.create_superuser("admin", "a@example.com", "pw")
    client.force_login(user)

    assert ids(client.get(ARTICLES + "&clinic=north")) == [visible.pk]
    assert ids(client.get(PAGES + f"?clinic=north&child_of={north.index.pk}")) == [visible.pk]
    assert ids(client.get(PAGES + f"?clinic=north&descendant_of={north.home.pk}")) == [
        north.index.pk,
        visible.pk,
    ]
    for page in hidden:
        assert ids(client.get(ARTICLES + f"&clinic=north&search={page.title}")) == []
        detail = client.get(f"{PAGES}{page.pk}/?clinic=north")
        assert detail.status_code == 404
        assert detail.json() == {"message": "No Page matches the given query."}
        assert client.get(f"{PAGES}find/?clinic=north&id={page.pk}").status_code == 404
        found = client.get(f"{PAGES}find/?clinic=north&html_path=treatments/{page.slug}/")
        assert found.status_code == 404
    response = client.get(PAGES + f"?clinic=north&child_of={south.index.pk}")
    assert response.status_code == 400
    assert response.json() == {"message": "parent page doesn't exist"}


@pytest.mark.django_db
def test_find_by_path_redirects_to_the_clinics_detail(client, north):
    visible = TreatmentPageFactory(parent=north.index, slug="massage")

    response = client.get(f"{PAGES}find/?clinic=north&html_path=/treatments/massage/")

    assert response.status_code == 302
    assert response["Location"].endswith(f"/api/v2/pages/{visible.pk}/?clinic=north")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?clinic=north&fields=nope", "unknown fields: nope"),
        ("?clinic=north&nope=1", "query parameter is not an operation or a recognised field: nope"),
        ("?clinic=north&type=nope.Nope", "type doesn't exist"),
        ("?clinic=north&limit=1000", "limit cannot be higher than 100"),
        ("?clinic=north&limit=-1", "limit must be a positive integer"),
        ("?clinic=north&child_of=99999999999", "child_of must be a positive integer up to"),
        ("?clinic=north&descendant_of=x", "descendant_of must be a positive integer"),
        ("?clinic=north&order=body", "cannot order by 'body' (unknown field)"),
        ("?clinic=north&search=a%00b", "null characters are not allowed in 'search'"),
        ("?clinic=north&search=a&search_operator=xor", "search_operator must be 'and' or 'or'"),
        ("?clinic=north&fields=title(", "fields error"),
        (
            "?clinic=north&rich_text_format=nope",
            "rich_text_format must be one of 'db_html', 'db_markdown', 'html', 'markdown', "
            "got 'nope'",
        ),
        ("?clinic=north&order=random,title", "random ordering cannot be combined with other"),
        ("?clinic=north&order=random&offset=1", "random ordering with offset is not supported"),
        ("?clinic=", "clinic must be a clinic's slug or hostname"),
        (
            "?clinic=north&type=treatments.TreatmentPage&sessions_per_week=999999",
            "sessions_per_week is out of range",
        ),
        ("?clinic=north&type=treatments.TreatmentPage&sessions_per_week=x", "is not a valid"),
        ("?clinic=north&type=treatments.TreatmentPage&conditions=1", "cannot filter by"),
        ("?clinic=north&type=treatments.TreatmentPage&body=x", "cannot filter by 'body'"),
    ],
)
def test_bad_listing_input_is_a_400_with_a_message(client, north, query, message):
    response = client.get(PAGES + query)

    assert response.status_code == 400, response.content
    assert message in response.json()["message"]


@pytest.mark.django_db
def test_bad_detail_and_method_input_is_a_4xx_json(client, north):
    TreatmentPageFactory(parent=north.index)

    assert client.get(f"{PAGES}99999999999/?clinic=north").status_code == 404
    assert client.get(f"{PAGES}abc/?clinic=north").json() == {"message": "not found"}
    response = client.post(f"{PAGES}?clinic=north")
    assert response.status_code == 405
    assert response.json() == {"message": 'Method "POST" not allowed.'}
    response = client.get(f"{PAGES}find/?clinic=north&id=zz")
    assert response.json() == {"message": "id must be a positive integer"}


@pytest.mark.django_db
def test_session_guidance_lists_in_editor_order(client, north):
    page = TreatmentPageFactory(parent=north.index)
    page.session_guidance = [
        SessionGuidance(condition="B", min_sessions=1, max_sessions=2),
        SessionGuidance(condition="A", note="More"),
    ]
    page.save_revision().publish()

    data = client.get(f"{PAGES}{page.pk}/?clinic=north").json()

    assert [g["condition"] for g in data["session_guidance"]] == ["B", "A"]


@pytest.fixture
def needles(library, north, offer):
    """Three articles at north, two about needles, with reads and sessions that differ."""
    specs = [("Dry needle", 2, 5), ("Massage", 2, 50), ("Needle and cupping", 3, 40)]
    aliases = {}
    for title, sessions, reads in specs:
        article = TreatmentPageFactory(
            parent=library, title=title, summary="", sessions_per_week=sessions, body=[]
        )
        ReadTotal.objects.create(page=article, count=reads)
        aliases[title] = offer(article, north.index)
    return aliases


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&search=needle&order=-read_count", ["Needle and cupping", "Dry needle"]),
        ("&search=needle&order=read_count", ["Dry needle", "Needle and cupping"]),
        ("&search=needle&order=title", ["Dry needle", "Needle and cupping"]),
        ("&search=needle&order=-title", ["Needle and cupping", "Dry needle"]),
        ("&search=needle&order=-first_published_at,title", ["Dry needle", "Needle and cupping"]),
        ("&search=needle&order=title&limit=1&offset=1", ["Needle and cupping"]),
        ("&search=needle&sessions_per_week=2", ["Dry needle"]),
        ("&search=needle&sessions_per_week=2&order=-read_count", ["Dry needle"]),
        ("&search=dry needle&search_operator=and&order=title", ["Dry needle"]),
        ("&search=dry needle&search_operator=or&order=title", ["Dry needle", "Needle and cupping"]),
        ("&search=dry needle&search_operator=AND", ["Dry needle"]),
        ("&search=massage&order=", ["Massage"]),
        ("&order=-read_count", ["Massage", "Needle and cupping", "Dry needle"]),
        ("&order=", ["Dry needle", "Massage", "Needle and cupping"]),
        ("&search_operator=and", ["Dry needle", "Massage", "Needle and cupping"]),
    ],
)
def test_search_combines_with_order_filters_and_operator(client, needles, query, expected):
    """Search narrows whatever the listing filters and orders, as a stock client expects."""
    response = client.get(ARTICLES + "&clinic=north&fields=title" + query)

    assert response.status_code == 200, response.content
    assert [item["title"] for item in response.json()["items"]] == expected


@pytest.mark.django_db
def test_search_without_order_is_by_relevance_and_random_keeps_the_matches(client, needles):
    relevance = client.get(ARTICLES + "&clinic=north&search=needle&fields=title")
    random = client.get(ARTICLES + "&clinic=north&search=needle&order=random&fields=title")
    paged = client.get(ARTICLES + "&clinic=north&search=needle&search_operator=or&offset=1")

    assert relevance.json()["meta"]["total_count"] == 2
    assert {item["title"] for item in relevance.json()["items"]} == {
        "Dry needle",
        "Needle and cupping",
    }
    assert {item["title"] for item in random.json()["items"]} == {
        "Dry needle",
        "Needle and cupping",
    }
    assert paged.json()["meta"]["total_count"] == 2
    assert len(paged.json()["items"]) == 1


@pytest.mark.django_db
def test_head_answers_like_get_without_a_body(client, north):
    TreatmentPageFactory(parent=north.index)
    get = client.get(ARTICLES + "&clinic=north")

    head = client.head(ARTICLES + "&clinic=north")

    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head.content == b""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "search",
    ["'", "&&", "a:*", "\\", "(", "!", "a | b", "<->", "ß€✓", "", " ", "-", '"', "a' OR '1'='1"],
)
def test_any_search_text_answers_200(client, library, north, offer, search):
    """Search text goes to PostgreSQL's full-text parser: none of it may break the query."""
    offer(TreatmentPageFactory(parent=library, title="Dry needle"), north.index)

    query = {"type": "treatments.TreatmentPage", "clinic": "north", "search": search}
    response = client.get(PAGES, query)

    assert response.status_code == 200, response.content
    assert "items" in response.json()


@pytest.mark.django_db
def test_offered_articles_carry_the_originals_publication_dates(client, world):
    """Offered, republished and chained aliases show the library article's dates."""
    article = world.article
    article.refresh_from_db()
    first = article.first_published_at
    north_alias = TreatmentPage.objects.get(pk=world.north_alias.pk)
    assert (north_alias.first_published_at, north_alias.last_published_at) == (
        first,
        article.last_published_at,
    )

    article.title = "Dry needling, revised"
    article.save_revision().publish()
    article.refresh_from_db()
    chained = north_alias.create_alias(parent=world.south_alias.get_parent(), update_slug="chain")

    for pk in (world.north_alias.pk, world.south_alias.pk, chained.pk):
        alias = TreatmentPage.objects.get(pk=pk)
        assert alias.first_published_at == first
        assert alias.last_published_at == article.last_published_at
    listing = client.get(ARTICLES + "&clinic=north&order=-first_published_at&fields=-alias_of")
    assert listing.status_code == 200, listing.content
    dates = {item["id"]: item["meta"]["first_published_at"] for item in listing.json()["items"]}
    assert dates[world.north_alias.pk] == first.isoformat().replace("+00:00", "Z")
    detail = client.get(f"{PAGES}{world.north_own.pk}/?clinic=north&fields=-alias_of").json()
    assert "alias_of" not in detail["meta"]
    assert (
        client.get(f"{PAGES}{world.north_own.pk}/?clinic=north").json()["meta"]["alias_of"] is None
    )


@pytest.mark.django_db
def test_the_migration_gives_existing_aliases_their_originals_dates(world):
    """Aliases made before the receivers existed (first date empty) get the original's."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("treatments.migrations.0005_aliases_share_original_dates")
    Page.objects.filter(alias_of__isnull=False).update(
        first_published_at=None, last_published_at=None
    )

    migration.share_original_dates(apps, connection.schema_editor())

    article = Page.objects.get(pk=world.article.pk)
    for pk in (world.north_alias.pk, world.south_alias.pk):
        alias = Page.objects.get(pk=pk)
        assert alias.first_published_at == article.first_published_at is not None
        assert alias.last_published_at == article.last_published_at


@pytest.mark.django_db
def test_urls_in_answers_use_the_requests_scheme_and_host(client, world, settings):
    """detail_url and find's redirect name the host and scheme the client asked on."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    pk = world.north_alias.pk

    plain = client.get(ARTICLES, HTTP_HOST="north.example.org").json()
    secure = client.get(
        ARTICLES + "&clinic=north", HTTP_HOST="api.example.com", HTTP_X_FORWARDED_PROTO="https"
    ).json()
    found = client.get(f"{PAGES}find/?clinic=north&id={pk}", HTTP_HOST="api.example.com")
    detail = client.get(f"{PAGES}{pk}/?clinic=north", HTTP_HOST="api.example.com").json()

    assert plain["items"][0]["meta"]["detail_url"] == (
        f"http://north.example.org/api/v2/pages/{world.north_alias.pk}/"
    )
    assert secure["items"][0]["meta"]["detail_url"] == (
        f"https://api.example.com/api/v2/pages/{world.north_alias.pk}/"
    )
    assert found.status_code == 302
    assert found["Location"] == f"http://api.example.com/api/v2/pages/{pk}/?clinic=north"
    assert detail["meta"]["parent"]["meta"]["detail_url"].startswith("http://api.example.com/")
    assert detail["meta"]["alias_of"]["meta"]["detail_url"] == (
        f"http://api.example.com/api/v2/pages/{world.article.pk}/"
    )

    settings.WAGTAILAPI_BASE_URL = "https://partners.example.org/ignored/path"
    configured = client.get(f"{PAGES}{pk}/?clinic=north&fields=title", HTTP_HOST="x.example")
    assert configured.json()["meta"]["detail_url"] == (
        f"https://partners.example.org/api/v2/pages/{pk}/"
    )


@pytest.mark.django_db
def test_stock_queries_answer_as_stock_wagtail(client, world):
    """Queries stock Wagtail 8.0.1 accepts answer here with the same status and message."""
    pk = world.north_alias.pk

    def get(url, **extra):
        return client.get(PAGES + url, **extra)

    # Details ignore parameters they have no use for (cache busters, tracking, shared sets).
    detail = get(f"{pk}/?clinic=north&search=x&utm_source=mail&limit=3&_=17")
    assert detail.status_code == 200, detail.content
    assert detail.json()["id"] == pk
    # ?site= names the clinic by hostname (and port), as stock names a Site.
    assert ids(get("?site=north.example.org&type=treatments.TreatmentPage")) == ids(
        get("?clinic=north&type=treatments.TreatmentPage")
    )
    assert ids(get("?site=north.example.org:80&type=treatments.TreatmentPage"))
    unknown = get("?site=nowhere.example.org")
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"message": "No Site matches the given query."},
    )
    # find/ with nothing to find by, or an id no page has, is stock's 404.
    for query in ("?clinic=north", "?clinic=north&id=0", "?clinic=north&id=99999999999"):
        response = get("find/" + query)
        assert (response.status_code, response.json()) == (404, {"message": "not found"})
    # An offset past the last item is an empty page, however large.
    for offset in ("4", "100001", "99999999999999999999"):
        response = get(f"?clinic=north&offset={offset}")
        assert response.status_code == 200, response.content
        assert response.json()["meta"]["total_count"] == 4  # home, index, two articles
        assert response.json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rich_text_format", "expected"),
    [
        (None, '<p>See <a href="http://north.example.org/treatments/massage/">massage</a>.</p>'),
        ("html", '<p>See <a href="http://north.example.org/treatments/massage/">massage</a>.</p>'),
        ("db_html", '<p>See <a linktype="page" id="{target}">massage</a>.</p>'),
        ("db_markdown", "See [massage](wagtail://page?id={target})."),
    ],
)
def test_rich_text_formats_are_stocks(client, library, north, offer, rich_text_format, expected):
    """Every stock format; HTML (our default) links to the clinic's own URLs."""
    target = TreatmentPageFactory(parent=library, title="Massage", slug="massage", body=[])
    linking = TreatmentPageFactory(
        parent=library,
        body=[("paragraph", f'<p>See <a linktype="page" id="{target.pk}">massage</a>.</p>')],
    )
    offer(target, north.index)
    alias = offer(linking, north.index)
    query = f"&rich_text_format={rich_text_format}" if rich_text_format else ""

    response = client.get(f"{PAGES}{alias.pk}/?clinic=north{query}")

    assert response.status_code == 200, response.content
    assert response.json()["body"][0]["value"].strip() == expected.format(target=target.pk)
