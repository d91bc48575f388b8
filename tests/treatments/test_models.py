import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailTestUtils

from clinics.models import ClinicHomePage
from tests.factories import ConditionFactory, TreatmentPageFactory
from treatments.models import (
    SessionGuidance,
    TreatmentIndexPage,
    TreatmentLibraryPage,
    TreatmentPage,
)


def test_articles_live_in_the_library_or_a_branch_index():
    assert set(TreatmentPage.parent_page_types) == {
        "treatments.TreatmentLibraryPage",
        "treatments.TreatmentIndexPage",
    }
    assert TreatmentPage.subpage_types == []
    assert TreatmentIndexPage.parent_page_types == ["clinics.ClinicHomePage"]
    assert TreatmentLibraryPage.max_count == 1


@pytest.mark.django_db
def test_session_guidance_range_must_be_ordered(library):
    page = TreatmentPageFactory(parent=library)
    with pytest.raises(ValidationError, match="less than the minimum"):
        SessionGuidance(
            page=page, condition="Lower back pain", min_sessions=8, max_sessions=6
        ).clean()


@pytest.mark.django_db
def test_session_guidance_needs_a_range_or_a_note(library):
    page = TreatmentPageFactory(parent=library)
    with pytest.raises(ValidationError, match="range, a note"):
        SessionGuidance(page=page, condition="Neck pain").clean()
    SessionGuidance(page=page, condition="Frozen shoulder", note="More").clean()


@pytest.mark.django_db
def test_condition_slug_defaults_from_its_name():
    condition = ConditionFactory(name="Frozen shoulder", slug="")
    assert condition.slug == "frozen-shoulder"


@pytest.mark.django_db
def test_question_api_representation_flags_unanswered(library):
    page = TreatmentPageFactory(
        parent=library,
        body=[
            ("question", {"question": "Answered?", "answer": "<p>Yes.</p>"}),
            ("question", {"question": "Unanswered?", "answer": ""}),
        ],
    )
    data = page.body.stream_block.get_api_representation(page.body)
    assert [(b["value"]["question"], b["value"]["answered"]) for b in data] == [
        ("Answered?", True),
        ("Unanswered?", False),
    ]


@pytest.mark.django_db
def test_article_search_finds_other_names_and_answers(library):
    page = TreatmentPageFactory(parent=library, title="Intramuscular Stimulation")
    page.other_names.create(name="Dry needling")
    page.save_revision().publish()
    TreatmentPageFactory(parent=library, title="Massage", summary="Hands on the back.", body=[])

    assert list(TreatmentPage.objects.search("needling")) == [page]


class TestEditPage(WagtailTestUtils):
    @pytest.mark.django_db
    def test_admin_edit_page_shows_the_structured_panels(self, client, library, django_user_model):
        page = TreatmentPageFactory(parent=library)
        user = django_user_model.objects.create_superuser("root", "r@example.com", "pw")
        client.force_login(user)

        response = client.get(f"/admin/pages/{page.pk}/edit/")

        assert response.status_code == 200
        html = response.content.decode()
        for label in ("Other names", "Session guidance", "Sessions for a condition", "Conditions"):
            assert label in html


@pytest.mark.django_db
def test_clinic_home_accepts_only_a_treatment_index():
    assert ClinicHomePage.subpage_types == ["treatments.TreatmentIndexPage"]


@pytest.mark.django_db
def test_an_offered_article_follows_its_library_original(library, north, offer):
    """Publishing the library article updates the alias a branch shows."""
    article = TreatmentPageFactory(parent=library, summary="First.")
    alias = offer(article, north.index)

    article.summary = "Second."
    article.save_revision().publish()

    alias.refresh_from_db()
    assert alias.alias_of_id == article.pk
    assert alias.specific.summary == "Second."
    assert alias.get_site().hostname == "north.example.org"
