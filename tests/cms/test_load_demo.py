from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from treatments.models import ReadTotal, TreatmentPage


def load_demo(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
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
    # admin, library editor, clinical reviewer, 2 per branch
    assert get_user_model().objects.count() == 7
    assert {p.summary for p in TreatmentPage.objects.all()} == {"Edited by the content team."}


@pytest.mark.django_db
def test_load_demo_lists_the_seeds_open_points_for_editors(monkeypatch):
    """The seed is loaded as the real article it is: its open question and stray line are
    editors' notes, shown when the demo loads, and not published."""
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    out = load_demo()

    page = TreatmentPage.objects.get(alias_of__isnull=True)
    assert "  note for editors: Unanswered question: In which cases" in out
    assert "  note for editors: Line not placed: yodax" in out
    assert page.editor_notes.count("\n") == 1
    assert "yodax" not in str(page.body.raw_data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("variable", "password", "message"),
    [
        (
            "DEMO_ADMIN_PASSWORD",
            "admin",
            "DEMO_ADMIN_PASSWORD is too weak for the admin login: The password is too similar "
            "to the username. This password is too short.",
        ),
        ("DEMO_EDITOR_PASSWORD", "password", "too weak for the library-editor login"),
        ("DEMO_EDITOR_PASSWORD", "12345678901", "This password is entirely numeric."),
    ],
)
def test_load_demo_refuses_a_weak_password_before_writing_anything(
    monkeypatch, variable, password, message
):
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    monkeypatch.setenv(variable, password)

    with pytest.raises(CommandError) as refused:
        load_demo()

    assert message in str(refused.value) and "\n" not in str(refused.value)
    assert not get_user_model().objects.exists()
    assert not TreatmentPage.objects.exists()


@pytest.mark.django_db
def test_load_demo_under_production_settings_needs_the_flag_and_chosen_passwords(
    monkeypatch, settings
):
    """Refused without --allow-production; with it, passwords must be given and none is
    printed; nothing is written before a refusal."""
    settings.IS_PRODUCTION = True
    monkeypatch.delenv("DEMO_ADMIN_PASSWORD", raising=False)
    monkeypatch.delenv("DEMO_EDITOR_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="refuses to run under production settings"):
        load_demo()
    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD is not set"):
        load_demo("--allow-production")
    assert not get_user_model().objects.exists() and not TreatmentPage.objects.exists()

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "a-long-chosen-admin-pass")
    monkeypatch.setenv("DEMO_EDITOR_PASSWORD", "a-long-chosen-editor-pass")
    out = load_demo("--allow-production")

    assert "Admin login: admin (password from DEMO_ADMIN_PASSWORD)" in out
    assert "login: north-editor (password from DEMO_EDITOR_PASSWORD)" in out
    assert "a-long-chosen" not in out
    admin = get_user_model().objects.get(username="admin")
    assert admin.check_password("a-long-chosen-admin-pass")


@pytest.mark.django_db
def test_load_demo_takes_the_seed_through_clinical_review(monkeypatch):
    """A reviewer login with its record, clinical review last in the workflow, the seed
    reviewed by it; a second run reviews nothing again."""
    from wagtail.models import WorkflowTask

    from treatments.governance.models import ArticleReview, ClinicalReviewer
    from treatments.governance.reviews import covers
    from treatments.governance.services import clinical_review_task

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    out = load_demo()

    seed = TreatmentPage.objects.get(alias_of__isnull=True)
    reviewer = ClinicalReviewer.objects.get(user__username="clinical-reviewer")
    assert reviewer.user.groups.get().name == "Clinical reviewers"
    review = ArticleReview.objects.get(page=seed)
    assert review.reviewed_by == reviewer and covers(review, seed)
    steps = WorkflowTask.objects.filter(workflow=seed.get_workflow()).order_by("sort_order")
    assert steps.last().task.specific == clinical_review_task()
    assert "clinical review by Dr Amira Haddad" in out and "reviewed now" in out

    assert "already reviewed" in load_demo()
    assert ArticleReview.objects.get(page=seed).last_reviewed == review.last_reviewed


@pytest.mark.django_db
def test_load_demo_gives_north_local_content_and_south_none(monkeypatch, client):
    """North: a published, reviewed local introduction, practitioner and price note on the
    seed; South none. Re-running keeps what North's editors changed."""
    from clinics.local.drift import is_stale
    from clinics.local.models import LocalContent, Practitioner

    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "demo-pass-123")
    out = load_demo()
    assert "Local content on the seed article at North: published" in out

    (local,) = LocalContent.objects.select_related("branch__site")
    assert str(local.branch) == "North"
    assert local.live and not is_stale(local)
    assert "At our North clinic" in local.intro
    assert local.price_note.startswith("A 30-minute session costs 60 EUR")
    assert [link.practitioner.name for link in local.practitioners.all()] == ["Dr Lena Berg"]

    LocalContent.objects.filter(pk=local.pk).update(price_note="Changed by North")
    assert "Local content" not in load_demo()
    assert LocalContent.objects.get().price_note == "Changed by North"
    assert Practitioner.objects.count() == 1

    seed = TreatmentPage.objects.get(alias_of__isnull=True)
    north, south = (
        client.get(f"/api/v2/pages/{alias.pk}/?clinic={alias.get_site().root_page.slug}").json()
        for alias in TreatmentPage.objects.filter(alias_of=seed).order_by("path")
    )
    assert north["local"]["practitioners"][0]["name"] == "Dr Lena Berg"
    assert south["local"] is None
