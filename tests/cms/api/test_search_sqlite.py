"""Search combined with ordering, filters and the operator on SQLite, the embedded default.

SQLite searches through its own backend (FTS5, made by the search app's migrations), which
refuses the same unindexed orders PostgreSQL's does; the answers must match PostgreSQL's.
"""

from tests.processes import run_on_sqlite

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.cache import cache
from django.test import Client
from wagtail.documents import get_document_model
from wagtail.models import Page, Site
from wagtail.search.backends import get_search_backend
from tests.factories import ClinicHomePageFactory, TreatmentIndexPageFactory, TreatmentPageFactory
from treatments import services
from treatments.models import ReadTotal

cache.clear()
library = services.get_or_create_library()
home = ClinicHomePageFactory(parent=Page.get_first_root_node(), slug="north")
index = TreatmentIndexPageFactory(parent=home)
Site.objects.create(hostname="north.example.org", port=80, root_page=home)
SPECS = [("Dry needle", 2, 5), ("Massage", 2, 50), ("Needle and cupping", 3, 40)]
for title, sessions, reads in SPECS:
    article = TreatmentPageFactory(
        parent=library, title=title, summary="", sessions_per_week=sessions, body=[]
    )
    ReadTotal.objects.create(page=article, count=reads)
    article.create_alias(parent=index, update_slug=article.slug)
Document = get_document_model()
for title in ["Needle chart", "Price list", "Needle care"]:
    Document.objects.create(title=title, file="documents/x.pdf")
for model in (Page, Document):
    for item in model.objects.all():
        get_search_backend().add(item.specific if model is Page else item)
client = Client()
ARTICLES = "pages/?clinic=north&type=treatments.TreatmentPage&fields=title"
queries = [
    ARTICLES + "&search=needle&order=-read_count",
    ARTICLES + "&search=needle&order=title",
    ARTICLES + "&search=needle&sessions_per_week=2&order=-read_count",
    ARTICLES + "&search=dry needle&search_operator=and",
    "documents/?search=needle&order=-title",
]
answers = []
for query in queries:
    response = client.get("/api/v2/" + query)
    titles = [item["title"] for item in response.json().get("items", [])]
    answers.append([response.status_code, titles])
print(json.dumps({"backend": type(get_search_backend()).__name__, "answers": answers}))
cache.clear()
"""


def test_search_with_order_and_filters_on_sqlite(tmp_path):
    data = run_on_sqlite(SCRIPT, tmp_path / "search.sqlite3", redis_db_base=12)
    assert data == {
        "backend": "SQLiteSearchBackend",
        "answers": [
            [200, ["Needle and cupping", "Dry needle"]],
            [200, ["Dry needle", "Needle and cupping"]],
            [200, ["Dry needle"]],
            [200, ["Dry needle"]],
            [200, ["Needle chart", "Needle care"]],
        ],
    }
