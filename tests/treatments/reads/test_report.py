"""The admin report of article reads (a Wagtail report view) and who sees which numbers."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from clinics import services
from tests.factories import TreatmentPageFactory, UserFactory
from treatments.models import DailyRead

pytestmark = pytest.mark.django_db
URL = "/admin/reports/reads/"


@pytest.fixture(autouse=True)
def daily_reads(world):
    """The rows every test here reports on: the library article at both branches, North's own."""
    today = timezone.localdate()
    for page, site, days_ago, count in [
        (world.article, world.north.site, 0, 4),
        (world.article, world.north.site, 20, 6),
        (world.article, world.south.site, 1, 3),
        (world.north_own, world.north.site, 2, 2),
        (world.article, world.south.site, 100, 9),
    ]:
        DailyRead.objects.create(
            page=page, site=site, date=today - timedelta(days_ago), count=count
        )


def rows(response):
    return [
        [cell.strip() for cell in row]
        for row in csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    ]


def test_superuser_sees_every_article_and_branch(client):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Reads per day: last 30 days, 15 in all" in html
    assert html.count("<rect ") == 30
    exported = rows(client.get(URL, {"export": "csv"}))
    assert exported[0] == [
        "Article",
        "Branch",
        "Branch hostname",
        "Reads",
        "Article id",
        "Branch id",
        "From",
        "To",
    ]
    today = timezone.localdate()
    assert {(r[6], r[7]) for r in exported[1:]} == {
        ((today - timedelta(29)).isoformat(), today.isoformat())
    }
    assert [r[:4] for r in exported[1:]] == [
        ["Dry needling", "North", "north.example.org", "10"],
        ["Dry needling", "South", "south.example.org", "3"],
        ["Cupping", "North", "north.example.org", "2"],
    ]


@pytest.mark.parametrize(("period", "expected"), [("7", 9), ("30", 15), ("365", 24)])
def test_period_selects_the_days_counted(client, period, expected):
    client.force_login(UserFactory(is_superuser=True))

    exported = rows(client.get(URL, {"export": "csv", "period": period}))

    assert sum(int(r[3]) for r in exported[1:]) == expected


def test_branch_and_article_filters(client, world):
    client.force_login(UserFactory(is_superuser=True))

    exported = rows(
        client.get(URL, {"export": "csv", "site": world.north.site.id, "page": world.article.id})
    )

    assert [r[:4] for r in exported[1:]] == [["Dry needling", "North", "north.example.org", "10"]]


def test_xlsx_export(client):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(URL, {"export": "xlsx", "period": "7"})

    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[cell.value for cell in row][:4] for row in sheet.iter_rows()]
    assert values == [
        ["Article", "Branch", "Branch hostname", "Reads"],
        ["Dry needling", "North", "north.example.org", 4],
        ["Dry needling", "South", "south.example.org", 3],
        ["Cupping", "North", "north.example.org", 2],
    ]


def test_a_branch_editor_sees_only_his_branch(client, world, logins):
    client.force_login(logins.north_editor)

    page = client.get(URL).content.decode()
    exported = rows(client.get(URL, {"export": "csv", "period": "365"}))
    other = rows(client.get(URL, {"export": "csv", "period": "365", "site": world.south.site.id}))

    assert [r[:4] for r in exported[1:]] == [
        ["Dry needling", "North", "north.example.org", "10"],
        ["Cupping", "North", "north.example.org", "2"],
    ]
    assert "12 in all" in page
    assert "South" not in page  # not offered as a branch filter, nor named anywhere
    assert other == exported  # asking for another branch is ignored, never shown


def test_a_library_editor_sees_all_branches(client, logins):
    client.force_login(logins.library_editor)

    exported = rows(client.get(URL, {"export": "csv"}))

    assert {r[1] for r in exported[1:]} == {"North", "South"}


def test_users_without_page_permissions_cannot_open_it(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 302  # Wagtail's answer to PermissionDenied in the admin
    assert response.url == "/admin/"


def test_footer_counts_article_and_branch_totals_and_names_the_busiest_day(client):
    """Three rows are three article-and-branch totals; the busiest day is a date and a count."""
    client.force_login(UserFactory(is_superuser=True))

    html = client.get(URL).content.decode()

    assert "3 article and branch totals" in html and "daily reads" not in html
    today = timezone.localdate()
    assert f"busiest day: {today - timedelta(20):%-d %b %Y}, 6 reads" in html


def test_no_reads_names_no_busiest_day(client):
    """At zero reads the chart says so, instead of "busiest day: 1"."""
    DailyRead.objects.all().delete()
    client.force_login(UserFactory(is_superuser=True))

    html = client.get(URL).content.decode()

    assert "0 in all" in html and "no reads on any day" in html
    assert "busiest day" not in html


def test_export_file_is_named_for_its_period(client):
    client.force_login(UserFactory(is_superuser=True))

    response = client.get(URL, {"export": "csv", "period": "7"})

    today = timezone.localdate()
    start = (today - timedelta(6)).isoformat()
    assert f"article-reads-{start}-to-{today.isoformat()}.csv" in response["Content-Disposition"]


def test_article_filter_offers_a_branch_editor_only_his_branchs_articles(client, world, logins):
    """South's own article is no choice for North's editor, nor accepted when forced."""
    south_own = TreatmentPageFactory(
        parent=services.treatment_index(world.south), title="South secret", slug="secret"
    )
    client.force_login(logins.north_editor)

    page = client.get(URL).content.decode()

    assert f'value="{world.article.pk}"' in page and f'value="{world.north_own.pk}"' in page
    assert f'value="{south_own.pk}"' not in page and "South secret" not in page
    forced = rows(client.get(URL, {"export": "csv", "page": south_own.pk, "period": "365"}))
    assert {r[0] for r in forced[1:]} == {"Dry needling", "Cupping"}  # refused filter ignored
