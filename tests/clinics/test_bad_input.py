"""No admin URL a demo role can open answers 5xx, whatever its forms are sent.

Each role opens the forms of its daily work; every field of each form (the names the page
itself renders, management forms included) is posted with wrong values: empty, not a number,
out of range, a NUL byte, far too long, markup. Query strings of listings and reports get the
same. Any answer is fine but a server error: a refusal, the form again with its errors, a
redirect.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from wagtail_factories import DocumentFactory

from clinics import services
from tests.factories import ConditionFactory, ImageFactory

pytestmark = pytest.mark.django_db

BAD_VALUES = ["", "not-a-number", "-1", "99999999999999999999999", "\x00", "x" * 5000, "<b>"]


class FormFields(HTMLParser):
    """The names of every field of every POST form on a page."""

    def __init__(self):
        super().__init__()
        self.names: set[str] = set()
        self.in_post_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_post_form = (attrs.get("method") or "").lower() == "post"
        elif tag in ("input", "select", "textarea") and attrs.get("name"):
            if self.in_post_form and attrs["name"] != "csrfmiddlewaretoken":
                self.names.add(attrs["name"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


def field_names(html: str) -> set[str]:
    parser = FormFields()
    parser.feed(html)
    return parser.names


def forms_of(world, logins) -> dict[str, list[str]]:
    """What each role opens to do its work, by URL."""
    north_index = services.treatment_index(world.north)
    condition = ConditionFactory(name="Neck pain", slug="neck-pain")
    image = ImageFactory(title="north-door", collection=world.north.collection)
    document = DocumentFactory(title="leaflet", collection=world.north.collection)
    library_image = ImageFactory(title="lib", collection=world.north.collection)
    branch = [
        f"/admin/pages/add/treatments/treatmentpage/{north_index.pk}/",
        f"/admin/pages/{world.north_own.pk}/edit/",
        f"/admin/pages/{world.north_alias.pk}/edit/",
        f"/admin/pages/{world.north_alias.pk}/edit/preview/",
        f"/admin/pages/{world.north_own.pk}/edit/preview/",
        f"/admin/pages/{world.north_alias.pk}/view_draft/",
        f"/admin/pages/{world.north.site.root_page_id}/edit/",
        f"/admin/pages/{north_index.pk}/edit/",
        f"/admin/settings/clinics/clinicsettings/{world.north.site.pk}/",
        f"/admin/images/{image.pk}/",
        f"/admin/documents/edit/{document.pk}/",
        "/admin/images/multiple/add/",
        "/admin/documents/multiple/add/",
        "/admin/account/",
        f"/admin/pages/{world.north_own.pk}/delete/",
        f"/admin/pages/{world.north_own.pk}/copy/",
        f"/admin/bulk/wagtailcore/page/move/?id={world.north_own.pk}",
    ]
    return {
        "library_editor": [
            f"/admin/pages/add/treatments/treatmentpage/{world.library.pk}/",
            f"/admin/pages/{world.article.pk}/edit/",
            "/admin/snippets/treatments/condition/add/",
            f"/admin/snippets/treatments/condition/edit/{condition.pk}/",
            reverse("wagtailsnippetchoosers_treatments_condition:create"),
            reverse("clinics_article_branches", args=[world.article.pk]),
            reverse("clinics_withdraw_article", args=[world.article.pk, world.north.pk]),
            f"/admin/pages/{world.article.pk}/copy/",
            f"/admin/images/{library_image.pk}/",
            "/admin/account/",
        ],
        "north_editor": branch,
        "north_moderator": [*branch, "/admin/collections/add/"],
    }


LISTINGS = [
    "/admin/reports/reads/",
    "/admin/reports/reads/results/",
    "/admin/reports/workflow/",
    "/admin/reports/workflow_tasks/",
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/locked/",
    "/admin/pages/search/",
    "/admin/images/",
    "/admin/documents/",
    "/admin/snippets/treatments/condition/",
    "/admin/choose-page/",
    "/admin/choose-page/search/",
    "/admin/choose-page/chosen-multiple/",
    "/admin/bulk/wagtailcore/page/delete/",
]
QUERY_KEYS = ["q", "p", "period", "site", "page", "export", "ordering", "id", "user", "action"]


def server_errors(client, url, names) -> list[str]:
    errors = []
    for value in BAD_VALUES:
        response = client.post(url, dict.fromkeys(names, value))
        if response.status_code >= 500:
            errors.append(f"POST {url} {value[:12]!r}: {response.status_code}")
    return errors


@pytest.mark.parametrize("role", ["library_editor", "north_editor", "north_moderator"])
def test_forms_answer_bad_values_without_a_server_error(world, logins, as_user, role):
    client = as_user(getattr(logins, role))
    client.client.raise_request_exception = False  # a server error is an answer to count here
    errors = []

    for url in forms_of(world, logins)[role]:
        page = client.get(url)
        assert page.status_code < 500, url
        names = (
            field_names(page.content.decode(errors="replace")) if page.status_code == 200 else set()
        )
        errors += server_errors(client, url, names | {"title", "slug", "name"})

    assert sorted(set(errors)) == []


@pytest.mark.parametrize("role", ["library_editor", "north_editor", "north_moderator"])
def test_listings_answer_bad_queries_without_a_server_error(world, logins, as_user, role):
    client = as_user(getattr(logins, role))
    client.client.raise_request_exception = False  # a server error is an answer to count here
    errors = []

    for url in LISTINGS:
        for value in BAD_VALUES:
            response = client.get(url, dict.fromkeys(QUERY_KEYS, value))
            if response.status_code >= 500:
                errors.append(f"GET {url} {value[:12]!r}: {response.status_code}")

    assert sorted(set(errors)) == []


def test_a_forged_admin_request_answers_400_with_the_reason(world, logins, as_user):
    """Words where ids go, a StreamField's count left out: 400 and why, never a 500."""
    client = as_user(logins.north_editor)
    client.client.raise_request_exception = False
    index = services.treatment_index(world.north)

    bulk = client.get("/admin/bulk/wagtailcore/page/delete/", {"id": "abc"})
    add = client.post(
        f"/admin/pages/add/treatments/treatmentpage/{index.pk}/", {"title": "No count"}
    )

    assert (bulk.status_code, bulk.content) == (400, b"An id in this request is not a number.")
    assert add.status_code == 400
    assert add.content.decode().startswith("A field this form always sends is missing.")
