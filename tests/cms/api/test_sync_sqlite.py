"""The change feed on SQLite, the embedded default: numbered events and an exact copy."""

from tests.processes import run_on_sqlite

SCRIPT = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.core.cache import cache
from django.test import Client
from tests.factories import build_world, TreatmentPageFactory
from clinics import offering, services
from cms.models import ChangeEvent

cache.clear()
world = build_world()
client = Client()

def sync(token=None):
    pages = {}
    while True:
        query = {"clinic": "north", "limit": 2}
        if token:
            query["token"] = token
        data = client.get("/api/v2/sync/", query).json()
        for item in data["upserts"]:
            pages[item["id"]] = ("upsert", item["title"])
        for item in data["tombstones"]:
            pages[item["id"]] = ("tombstone", item["reason"])
        if data["sync_token"]:
            return pages, data["sync_token"]
        token = data["next_token"]

first, token = sync()
index = services.treatment_index(world.north)
TreatmentPageFactory(parent=index, title="Heat", slug="heat").save_revision().publish()
offering.withdraw_article(world.article, world.north)
changes, token = sync(token)
listing = client.get("/api/v2/pages/", {"clinic": "north", "limit": 100}).json()["items"]
numbers = list(ChangeEvent.objects.filter(site=world.north.site).order_by("number")
               .values_list("number", flat=True))
print(json.dumps({
    "first": sorted(title for _, title in first.values()),
    "changes": sorted(changes.values()),
    "live": sorted(item["title"] for item in listing),
    "numbered_in_order": numbers == list(range(1, len(numbers) + 1)),
}))
cache.clear()
"""


def test_the_feed_works_on_sqlite(tmp_path):
    data = run_on_sqlite(SCRIPT, tmp_path / "sync.sqlite3", redis_db_base=12)
    assert data == {
        "first": ["Cupping", "Dry needling", "North", "Treatments"],
        "changes": [["tombstone", "withdrawn"], ["upsert", "Heat"]],
        "live": ["Cupping", "Heat", "North", "Treatments"],
        "numbered_in_order": True,
    }
