import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.demo import load_seed_article
from tests.factories import TreatmentPageFactory, UserFactory

FLAG = "Import review"


def flagged_rows(html: str) -> list[str]:
    """Titles of the explorer rows that carry the import-review flag."""
    rows = re.findall(r"<tr.*?</tr>", html, flags=re.S)
    return [
        re.search(r'id="page_\d+_title">\s*(.*?)\s*</span>', row, flags=re.S).group(1)
        for row in rows
        if FLAG in row
    ]


@pytest.fixture
def editor_client(client):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.mark.django_db
def test_the_explorer_flags_an_imported_article_with_open_points(editor_client, library):
    """The seed (an open question, a stray line) is flagged; an article without notes is not."""
    seed, _ = load_seed_article()
    TreatmentPageFactory(parent=library, title="Massage", slug="massage")

    html = editor_client.get(f"/admin/pages/{library.pk}/").text

    assert flagged_rows(html) == [seed.title]
    assert "2 points from the import to settle: see the editor notes" in html
    assert f'href="/admin/pages/{seed.pk}/edit/"' in html


@pytest.mark.django_db
def test_the_flag_goes_once_an_editor_settles_the_notes(editor_client, library):
    seed, _ = load_seed_article()
    seed.editor_notes = ""
    seed.save_revision().publish()

    assert flagged_rows(editor_client.get(f"/admin/pages/{library.pk}/").text) == []


@pytest.mark.django_db
def test_a_branch_alias_carries_no_flag_of_its_own(editor_client, library, north, offer):
    """The notes are the library's to settle: the branch's copy is not flagged."""
    seed, _ = load_seed_article()
    offer(seed, north.index)

    assert flagged_rows(editor_client.get(f"/admin/pages/{north.index.pk}/").text) == []


@pytest.mark.django_db
def test_flagging_costs_no_query_per_row(editor_client, library):
    """The notes come with the listing's own query: 1 or 6 flagged rows, the same queries."""
    url = f"/admin/pages/{library.pk}/"

    def listing_queries(articles: int) -> int:
        while len(library.get_children()) < articles:
            TreatmentPageFactory(parent=library, editor_notes="Line not placed: x")
        editor_client.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as queries:
            html = editor_client.get(url).text
        assert len(flagged_rows(html)) == articles
        return len(queries)

    assert listing_queries(1) == listing_queries(6)
