"""Conditions in the admin: chosen on the article, created in the chooser, renamed everywhere."""

import pytest
from django.urls import reverse

from tests.clinics.conftest import BrowserClient
from tests.clinics.helpers import article_form, refused
from tests.factories import (
    ConditionFactory,
    TreatmentPageFactory,
    add_logins,
    build_world,
    reviewed,
)
from treatments.models import Condition, TreatmentPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def logins(db):
    return add_logins(build_world())


def test_article_form_lists_chosen_conditions_and_offers_the_chooser(logins, library):
    """The field shows what is chosen and a chooser button, not an empty multiple select."""
    article = TreatmentPageFactory(parent=library, title="Cupping", slug="cupping")
    article.conditions.add(ConditionFactory(name="Neck pain", slug="neck-pain"))
    article.save_revision()
    client = BrowserClient(logins.library_editor)

    body = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()

    assert "data-conditions-widget" in body and "Neck pain" in body
    assert "Add a condition" in body
    assert "treatments/js/conditions-widget.js" in body


def test_library_editor_creates_a_condition_in_the_chooser(logins):
    """The chooser's Create tab makes the condition, slug from the name, and returns it."""
    client = BrowserClient(logins.library_editor)
    chooser = reverse("wagtailsnippetchoosers_treatments_condition:choose")

    modal = client.get(chooser).json()["html"]
    response = client.post(
        reverse("wagtailsnippetchoosers_treatments_condition:create"),
        {"name": "Tennis elbow"},
        form_url=reverse("wagtailadmin_home"),
    )

    assert "Create condition" in modal
    condition = Condition.objects.get(name="Tennis elbow")
    assert condition.slug == "tennis-elbow"
    assert response.json()["result"]["id"] == str(condition.pk)


def test_branch_editor_chooses_but_cannot_create_conditions(logins):
    client = BrowserClient(logins.north_editor)
    chooser = reverse("wagtailsnippetchoosers_treatments_condition:choose")

    modal = client.get(chooser).json()["html"]
    response = client.post(
        reverse("wagtailsnippetchoosers_treatments_condition:create"), {"name": "Made up"}
    )

    assert "Create condition" not in modal
    assert refused(client, response)
    assert not Condition.objects.filter(name="Made up").exists()


def test_saved_conditions_and_a_rename_reach_the_api(logins, library, client, empty_cache):
    """Chosen on the form, the article's conditions are in the API; a rename updates it."""
    neck = ConditionFactory(name="Neck pain", slug="neck-pain")
    back = ConditionFactory(name="Back pain", slug="back-pain")
    world_article = TreatmentPage.objects.get(slug="dry-needling", alias_of__isnull=True)
    editor = BrowserClient(logins.library_editor)
    edit = reverse("wagtailadmin_pages:edit", args=[world_article.pk])

    response = editor.post(
        edit,
        {
            **article_form("Dry needling", "dry-needling"),
            "conditions": [neck.pk, back.pk],
        },
        form_url=edit,
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # Publishing needs a clinical review of the draft (treatments.governance).
    draft = TreatmentPage.objects.get(pk=world_article.pk)
    reviewed(draft).get_latest_revision().publish()

    alias = TreatmentPage.objects.filter(alias_of=world_article).first()
    url = f"/api/v2/pages/{alias.pk}/?clinic=north"
    names = [c["name"] for c in client.get(url).json()["conditions"]]
    assert names == ["Back pain", "Neck pain"]

    snippet_edit = reverse("wagtailsnippets_treatments_condition:edit", args=[neck.pk])
    response = editor.post(
        snippet_edit, {"name": "Neck and shoulder pain", "slug": "neck-pain"}, form_url=snippet_edit
    )
    assert response.status_code == 302

    conditions = client.get(url).json()["conditions"]
    assert [(c["name"], c["slug"]) for c in conditions] == [
        ("Back pain", "back-pain"),
        ("Neck and shoulder pain", "neck-pain"),
    ]
