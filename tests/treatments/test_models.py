import pytest
from django.core.exceptions import ValidationError
from wagtail.test.utils import WagtailTestUtils

from tests.factories import ConditionFactory, TreatmentPageFactory
from treatments.models import (
    SessionGuidance,
    TreatmentIndexPage,
    TreatmentLibraryPage,
    TreatmentPage,
)
from treatments.services import get_or_create_library


@pytest.mark.django_db
def test_articles_are_written_in_the_library_or_a_branch_index(root_page, library, north):
    """Not at the top of the tree, on a clinic's home page, or under another article."""
    article = TreatmentPageFactory(parent=library)

    assert TreatmentPage.can_create_at(library)
    assert TreatmentPage.can_create_at(north.index)
    for parent in (root_page, north.home, article):
        assert not TreatmentPage.can_create_at(parent), parent


@pytest.mark.django_db
def test_a_branch_index_goes_on_a_clinic_home_page_only(root_page, library, north):
    assert TreatmentIndexPage.can_create_at(north.home)
    for parent in (root_page, library, north.index):
        assert not TreatmentIndexPage.can_create_at(parent), parent


@pytest.mark.django_db
def test_the_library_is_made_once_at_the_top_of_the_tree(root_page, north):
    """A second library is refused: every branch offers articles from the one library."""
    assert TreatmentLibraryPage.can_create_at(root_page)
    assert not TreatmentLibraryPage.can_create_at(north.home)

    get_or_create_library()

    assert not TreatmentLibraryPage.can_create_at(root_page)


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
