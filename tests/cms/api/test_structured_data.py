"""``structured_data``: the article's JSON-LD, valid schema.org and complete for Google."""

import datetime

import pytest
from django.utils import timezone

from clinics.models import ClinicSettings
from tests.factories import ConditionFactory
from tests.schemaorg import problems
from treatments.governance.models import ArticleReview
from treatments.models import TreatmentOtherName

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(world, empty_cache):
    """The library article with conditions, other names, an unanswered question, and North's
    facts filled in; reviewed."""
    article = world.article
    article.other_names = [TreatmentOtherName(name="IMS")]
    article.conditions = [
        ConditionFactory(name="Lower back pain"),
        ConditionFactory(name="Neck pain"),
    ]
    article.body = [
        ("paragraph", "<p>Thin needles.</p>"),
        ("question", {"question": "What is it?", "answer": "<p>A needle therapy.</p>"}),
        ("question", {"question": "Does it hurt?", "answer": ""}),
    ]
    article.save_revision().publish()
    review = ArticleReview.objects.get(page=article)
    review.reviewed_at = datetime.datetime(2026, 11, 20, 10, tzinfo=datetime.UTC)
    review.save()
    settings = ClinicSettings.for_site(world.north.site)
    settings.address = "12 Harbour Road\nNorthtown NT1 2AB"
    settings.phone = "+44 20 7946 0001"
    settings.booking_url = "https://booking.example.org/north"
    settings.opening_hours = [
        ("day", {"weekday": "mon", "opens": "08:00", "closes": "18:00", "closed": False}),
        ("day", {"weekday": "sun", "opens": None, "closes": None, "closed": True}),
    ]
    settings.save()
    return article


def structured_data(client, page_id):
    response = client.get(f"/api/v2/pages/{page_id}/?clinic=north&fields=structured_data")
    assert response.status_code == 200
    return response.json()["structured_data"]


def by_type(document):
    return {node["@type"]: node for node in document["@graph"]}


def test_the_json_ld_is_valid_schema_org_and_has_what_google_requires(client, world, article):
    document = structured_data(client, world.north_alias.pk)

    assert problems(document) == []
    assert list(by_type(document)) == ["MedicalWebPage", "FAQPage", "MedicalClinic"]


def test_the_page_carries_its_clinical_review_and_subject(client, world, article):
    url = "http://north.example.org/treatments/dry-needling/"
    page = by_type(structured_data(client, world.north_alias.pk))["MedicalWebPage"]

    assert page["url"] == url
    assert page["name"] == "Dry needling"
    assert page["lastReviewed"] == "2026-11-20"
    assert page["reviewedBy"]["name"] == ArticleReview.objects.get().reviewer.name
    assert page["reviewedBy"]["hasCredential"]["name"] == "MD, Physical Medicine and Rehabilitation"
    therapy, *conditions = page["about"]
    assert therapy == {
        "@type": "PhysicalTherapy",
        "@id": f"{url}#therapy",
        "name": "Dry needling",
        "alternateName": ["IMS"],
        "description": article.summary,
    }
    assert conditions == [
        {"@type": "MedicalCondition", "name": name, "possibleTreatment": {"@id": f"{url}#therapy"}}
        for name in ("Lower back pain", "Neck pain")
    ]


def test_the_faq_holds_answered_questions_only(client, world, article):
    faq = by_type(structured_data(client, world.north_alias.pk))["FAQPage"]

    assert faq["mainEntity"] == [
        {
            "@type": "Question",
            "name": "What is it?",
            "acceptedAnswer": {"@type": "Answer", "text": "<p>A needle therapy.</p>"},
        }
    ]


def test_the_clinic_is_the_branch_answering(client, world, article):
    clinic = by_type(structured_data(client, world.north_alias.pk))["MedicalClinic"]

    assert clinic == {
        "@type": "MedicalClinic",
        "@id": "http://north.example.org/#clinic",
        "name": "North",
        "url": "http://north.example.org/",
        "availableService": {"@id": "http://north.example.org/treatments/dry-needling/#therapy"},
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "12 Harbour Road, Northtown NT1 2AB",
        },
        "telephone": "+44 20 7946 0001",
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": "https://schema.org/Monday",
                "opens": "08:00",
                "closes": "18:00",
            }
        ],
        "potentialAction": {
            "@type": "ReserveAction",
            "target": {"@type": "EntryPoint", "urlTemplate": "https://booking.example.org/north"},
        },
    }


def test_an_article_never_reviewed_claims_no_review(client, world, empty_cache):
    """North's own article, never reviewed, at a branch with no address yet (no clinic node:
    Google requires an address)."""
    document = structured_data(client, world.north_own.pk)

    page = by_type(document)["MedicalWebPage"]
    assert "lastReviewed" not in page and "reviewedBy" not in page
    assert list(by_type(document)) == ["MedicalWebPage", "FAQPage"]
    assert problems(document) == []


def test_a_new_review_shows_in_the_answer(client, world, article):
    """The answer cache follows reviews: a new review date is served at once."""
    structured_data(client, world.north_alias.pk)  # cached
    review = ArticleReview.objects.get()
    review.reviewed_at = timezone.now()
    review.save()

    page = by_type(structured_data(client, world.north_alias.pk))["MedicalWebPage"]

    assert page["lastReviewed"] == timezone.localdate().isoformat()


def test_the_checker_finds_what_schema_org_does_not_allow():
    """The vocabulary check is no formality: wrong types, properties and values are caught."""
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "MedicalWebPage", "lastReviewed": "last week", "reviewedBy": "Dr A"},
            {"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": "Q?"}]},
            {"@type": "MedicalClinic", "name": "North", "dayOfWeek": "Monday"},
            {"@type": "MedicalTreatment"},
        ],
    }

    assert problems(document) == [
        "@graph MedicalWebPage.lastReviewed: 'last week' is no ['Date']",
        "@graph MedicalWebPage.reviewedBy: text where ['Organization', 'Person'] is expected",
        "@graph FAQPage.mainEntity Question: Google requires acceptedAnswer",
        "@graph MedicalClinic: Google requires address",
        "@graph MedicalClinic.dayOfWeek: not a property of MedicalClinic",
        "@graph: unknown type 'MedicalTreatment'",
    ]
