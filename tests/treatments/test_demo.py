from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from treatments.models import ReadTotal, TreatmentPage


def load_demo(**env):
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_demo_fills_session_guidance_from_the_article(monkeypatch):
    """Twice a week; 1-2 for new pain, 6-8 for lower back pain, notes for neck and shoulder."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    load_demo()

    page = TreatmentPage.objects.live().filter(alias_of__isnull=True).get()
    assert page.sessions_per_week == 2
    guidance = [
        (g.condition, g.min_sessions, g.max_sessions, g.note) for g in page.session_guidance.all()
    ]
    assert guidance == [
        ("Pain that has just begun", 1, 2, ""),
        ("Lower back pain", 6, 8, ""),
        ("Neck pain", None, None, "A little faster than lower back pain"),
        ("Frozen shoulder", None, None, "More sessions than for lower back pain"),
    ]
    assert [n.name for n in page.other_names.all()] == [
        "IMS",
        "Dry needling",
        "Intramuscular stimulation",
    ]
    assert page.summary.startswith("Dry needle therapy (IMS) treats")
    assert ReadTotal.objects.get(page=page).count == 0


@pytest.mark.django_db
def test_load_demo_creates_an_admin_with_the_given_password(monkeypatch, client):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    out = load_demo()

    assert "Admin login: admin / demo-pass-123" in out
    assert client.login(username="admin", password="demo-pass-123")


@pytest.mark.django_db
def test_load_demo_prints_a_generated_password_once(monkeypatch, client):
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    first = load_demo()
    password = first.split("Admin login: admin / ")[1].split()[0]

    second = load_demo()

    assert len(password) >= 12
    assert client.login(username="admin", password=password)
    assert password not in second
    assert "password unchanged" in second


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_keeps_editors_changes(monkeypatch):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    load_demo()
    page = TreatmentPage.objects.get(alias_of__isnull=True)
    page.summary = "Edited by the content team."
    page.save_revision().publish()

    load_demo()

    assert TreatmentPage.objects.filter(alias_of__isnull=True).count() == 1
    assert get_user_model().objects.count() == 6  # admin, library editor, 2 per branch
    assert {p.summary for p in TreatmentPage.objects.all()} == {"Edited by the content team."}
