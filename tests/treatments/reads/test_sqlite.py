"""The refresh's bulk upserts on SQLite, the embedded default, as on PostgreSQL."""

from tests.processes import run_on_sqlite

SCRIPT = """
import json
import django
django.setup()
from django.conf import settings
from django.core.management import call_command


class NoMigrations(dict):
    # Tables straight from the models: this checks SQL, not the migrations (CI does).

    def __contains__(self, item):
        return True

    def __getitem__(self, item):
        return None


settings.MIGRATION_MODULES = NoMigrations()
call_command("migrate", run_syncdb=True, verbosity=0)
from wagtail.models import Locale, Page, Site
Locale.objects.create(language_code="en")
Page.add_root(instance=Page(title="Root", slug="root"))
from tests.factories import ClinicHomePageFactory, TreatmentIndexPageFactory, TreatmentPageFactory
from treatments.reads import buffer, refresh, served, totals
from treatments import services
from treatments.models import DailyRead, ReadTotal
from django.utils import timezone

buffer.redis_client().flushdb()
library = services.get_or_create_library()
home = ClinicHomePageFactory(parent=Page.get_first_root_node(), slug="north")
index = TreatmentIndexPageFactory(parent=home)
site = Site.objects.create(hostname="north.example.org", port=80, root_page=home)
article = TreatmentPageFactory(parent=library)
alias = article.create_alias(parent=index, update_slug=article.slug)
totals.set_imported_read_count(article, 100)
served.rebuild_served_map()
for n in range(3):
    buffer.count_read(buffer.Read(alias.id, "203.0.113.1", f"ua {n}",
                                 ("h:north.example.org",), timezone.localdate()))
first = refresh.refresh_read_stats()
buffer.count_read(buffer.Read(alias.id, "203.0.113.1", "ua 9",
                             ("h:north.example.org",), timezone.localdate()))
second = refresh.refresh_read_stats()
total = ReadTotal.objects.get(page=article)
print(json.dumps({
    "reads": [first.reads, second.reads],
    "total": total.count,
    "refreshed": total.refreshed_at is not None,
    "daily": list(DailyRead.objects.values_list("count", flat=True)),
}))
buffer.redis_client().flushdb()
"""


def test_refresh_works_on_sqlite(tmp_path):
    data = run_on_sqlite(SCRIPT, tmp_path / "reads.sqlite3", redis_db_base=9)
    assert data == {"reads": [3, 1], "total": 104, "refreshed": True, "daily": [4]}
