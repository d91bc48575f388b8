import os
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings
from django.utils import timezone
from wagtail.models import Site

from tests.conftest import admin_login
from tests.factories import UserFactory
from tests.treatments.reads.helpers import BROWSER_UA, flush_reads_redis
from treatments.models import DailyRead
from treatments.reads import buffer, served

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def screenshot(page, name):
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=f"{shots}/{name}.png", full_page=True)


def test_marketing_sees_reads_per_article_and_branch_with_a_daily_chart(
    live_server, browser_page, world
):
    today = timezone.localdate()
    for days_ago in range(30):
        DailyRead.objects.create(
            page=world.article,
            site=world.north.site,
            date=today - timedelta(days_ago),
            count=5 + (days_ago * 7) % 11,
        )
    DailyRead.objects.create(page=world.article, site=world.south.site, date=today, count=40)
    DailyRead.objects.create(page=world.north_own, site=world.north.site, date=today, count=12)
    UserFactory(username="marketing", password="reads-pass-123", is_superuser=True, is_staff=True)
    page = browser_page
    admin_login(page, live_server, "marketing", "reads-pass-123")

    page.goto(f"{live_server.url}/admin/reports/reads/")

    page.get_by_role("heading", name="Article reads").wait_for()
    heading = page.locator("#reads-chart-heading").inner_text()
    expected_total = sum(5 + (n * 7) % 11 for n in range(30)) + 40 + 12
    assert heading == f"Reads per day: last 30 days, {expected_total:,} in all"
    assert page.locator("svg.reads-chart rect").count() == 30
    cells = page.locator("#listing-results table tbody tr").all_inner_texts()
    assert [c.split("\t")[:2] for c in cells] == [
        ["Dry needling", "North"],
        ["Dry needling", "South"],
        ["Cupping", "North"],
    ]
    page.get_by_role("button", name="Actions").click()  # Wagtail's header menu
    assert "export=xlsx" in page.get_by_role("link", name="Download XLSX").get_attribute("href")
    page.keyboard.press("Escape")
    screenshot(page, "read-report")

    page.goto(f"{live_server.url}/admin/reports/reads/?period=7&site={world.north.site.id}")

    assert page.locator("svg.reads-chart rect").count() == 7
    assert [
        c.split("\t")[1] for c in page.locator("#listing-results table tbody tr").all_inner_texts()
    ] == [
        "North",
        "North",
    ]


PARTNER_PAGE = """<!doctype html><title>Partner</title><script>
navigator.sendBeacon("{url}", "read");
document.title = "sent";
</script>"""


@pytest.fixture
def partner_site():
    """A partner's web page on another origin, which sends the beacon as partners do."""
    holder = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = PARTNER_PAGE.format(url=holder["beacon"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_a_partner_page_counts_a_read_with_send_beacon(live_server, browser, world, partner_site):
    flush_reads_redis()
    Site.objects.filter(hostname="localhost").delete()  # Wagtail's initial site
    world.north.site.hostname = "localhost"
    world.north.site.save()
    served.rebuild_served_map()
    holder, partner_origin = partner_site
    holder["beacon"] = f"{live_server.url}/api/v2/pages/{world.north_alias.id}/read/"
    context = browser.new_context(user_agent=BROWSER_UA)
    page = context.new_page()

    with override_settings(CORS_ALLOWED_ORIGINS=[partner_origin]):
        with page.expect_request(lambda r: r.url == holder["beacon"]) as sent:
            page.goto(f"{partner_origin}/article")
        response = sent.value.response()

    assert response.status == 204
    day = timezone.localdate().isoformat()
    field = f"{world.article.id}:{world.north.site.id}:{day}"
    assert buffer.redis_client().hget(buffer.LIVE, field) == "1"
    context.close()
    flush_reads_redis()
