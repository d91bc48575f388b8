from datetime import time
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Site

from clinics.models import ClinicBranch, ClinicSettings
from treatments.models import TreatmentPage

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_create_clinic_command_makes_a_branch():
    """One command: site, home page, index, groups and settings, reported in one line."""
    out = run("create_clinic", "--name", "North", "--hostname", "north.example.org")

    branch = ClinicBranch.objects.get()
    assert 'Created branch "North" at north.example.org:80' in out
    assert '"North editors" and "North moderators"' in out
    assert branch.site.root_page.slug == "north"


def test_create_clinic_command_refuses_a_taken_hostname_with_one_line():
    """A clash is a one-line error and a non-zero exit, and nothing is created."""
    run("create_clinic", "--name", "North", "--hostname", "north.example.org")

    with pytest.raises(CommandError, match="a site already serves north.example.org:80"):
        run("create_clinic", "--name", "Other", "--hostname", "north.example.org")
    assert ClinicBranch.objects.count() == 1


def test_rename_command_changes_hostname_and_name():
    run("create_clinic", "--name", "North", "--hostname", "north.example.org")

    out = run("rename_clinic", "north", "--name", "Harbour", "--hostname", "harbour.example.org")

    assert out.strip() == 'Branch "Harbour" now at harbour.example.org:80'
    assert Site.objects.get(hostname="harbour.example.org").root_page.slug == "north"


def test_rename_command_needs_a_change_and_a_known_branch():
    with pytest.raises(CommandError, match="give --name, --hostname or both"):
        run("rename_clinic", "north")
    with pytest.raises(CommandError, match='no branch with slug or hostname "nowhere"'):
        run("rename_clinic", "nowhere", "--name", "X")


def test_delete_command_says_what_goes_and_deletes_only_with_yes(world):
    """Without --yes nothing is deleted; with it the branch goes and South keeps the article."""
    dry = run("delete_clinic", "north.test")

    assert "4 pages, of which 1 library aliases; own articles: North sports massage" in dry
    assert "groups: North editors, North moderators" in dry
    assert "Nothing deleted" in dry
    assert ClinicBranch.objects.filter(pk=world.north.pk).exists()

    out = run("delete_clinic", "north", "--yes")

    assert 'Deleted branch "North".' in out
    assert not ClinicBranch.objects.filter(pk=world.north.pk).exists()
    assert (
        TreatmentPage.objects.filter(pk__in=[world.article.pk, world.south_alias.pk]).count() == 2
    )


def test_sync_branch_groups_command_lists_every_group(world):
    out = run("sync_branch_groups")

    assert "North: North editors, North moderators" in out
    assert "South: South editors, South moderators" in out
    assert "Library: Library editors" in out


def test_load_demo_creates_two_branches_offering_the_seed(monkeypatch, client):
    """North and South, on their own hostnames and with their own hours, both carry the seed."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "editor-pass-123")

    out = run("load_demo")

    seed = TreatmentPage.objects.get(alias_of__isnull=True)
    north = ClinicBranch.objects.get(site__hostname="north.localhost")
    south = ClinicBranch.objects.get(site__hostname="south.localhost")
    for branch in (north, south):
        alias = TreatmentPage.objects.descendant_of(branch.site.root_page).get()
        assert alias.alias_of_id == seed.pk and alias.live
    north_settings, south_settings = (ClinicSettings.for_site(b.site) for b in (north, south))
    assert north_settings.phone == "+44 20 7946 0001"
    assert south_settings.phone == "+44 20 7946 0002"
    monday = north_settings.opening_hours[0].value
    assert (monday["weekday"], monday["opens"], monday["closes"]) == ("mon", time(8), time(18))
    assert [d.value["weekday"] for d in south_settings.opening_hours if d.value["closed"]] == [
        "sat",
        "sun",
    ]
    assert "Admin login: admin / demo-pass-123" in out
    for username in ("library-editor", "north-editor", "north-moderator", "south-editor"):
        assert f"login: {username} / editor-pass-123" in out
        assert client.login(username=username, password="editor-pass-123")
    assert get_user_model().objects.get(username="north-editor").groups.get() == north.editors


def test_load_demo_rerun_keeps_branch_decisions(monkeypatch):
    """Re-running keeps settings edits and a withdrawal; passwords are printed only once."""
    monkeypatch.delenv("DEMO_EDITOR_PASSWORD", raising=False)
    first = run("load_demo")
    password = first.split("login: north-editor / ")[1].split()[0]
    north = ClinicBranch.objects.get(site__hostname="north.localhost")
    settings = ClinicSettings.for_site(north.site)
    settings.phone = "+44 1"
    settings.save()
    TreatmentPage.objects.descendant_of(north.site.root_page).get().delete()
    pages = Page.objects.count()

    second = run("load_demo")

    assert len(password) >= 12 and password not in second
    assert "north-editor (exists; password unchanged)" in second
    assert ClinicSettings.for_site(north.site).phone == "+44 1"
    assert Page.objects.count() == pages
    assert ClinicBranch.objects.count() == 2
