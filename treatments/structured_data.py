"""An article as schema.org JSON-LD, for partners to paste into their pages.

One ``@graph``: the ``MedicalWebPage`` (its review: ``lastReviewed``, ``reviewedBy``), what it
is about (a ``PhysicalTherapy`` and the conditions it treats as ``MedicalCondition``), an
``FAQPage`` of the answered questions, and the ``MedicalClinic`` that offers it. Types and
properties are schema.org's as released in version 12.0 (health-lifesci included); the tests
check every one against that vocabulary and Google's required properties.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .blocks import QuestionBlock

CONTEXT = "https://schema.org"
WEEKDAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}


@dataclass(frozen=True)
class OpeningHours:
    weekday: str  # "mon" .. "sun"
    opens: datetime.time
    closes: datetime.time


@dataclass(frozen=True)
class ClinicFacts:
    """What a branch tells patients, as the clinics app keeps it (``ClinicSettings``)."""

    name: str
    url: str
    address: str = ""
    telephone: str = ""
    email: str = ""
    booking_url: str = ""
    hours: list[OpeningHours] = field(default_factory=list)


@dataclass(frozen=True)
class ReviewFacts:
    reviewed_on: datetime.date
    reviewer_name: str
    reviewer_credentials: str


def review_facts(review) -> ReviewFacts | None:
    """``ArticleReview`` -> what the page says of it; None for an article never reviewed."""
    if review is None:
        return None
    return ReviewFacts(
        reviewed_on=timezone.localdate(review.reviewed_at),
        reviewer_name=review.reviewer.name,
        reviewer_credentials=review.reviewer.credentials,
    )


def reviewer_node(review: ReviewFacts) -> dict:
    return {
        "@type": "Person",
        "name": review.reviewer_name,
        "hasCredential": {
            "@type": "EducationalOccupationalCredential",
            "name": review.reviewer_credentials,
        },
    }


def therapy_nodes(article, url: str) -> list[dict]:
    """The treatment, and each condition it treats pointing back at it."""
    therapy_id = f"{url}#therapy"
    therapy = {"@type": "PhysicalTherapy", "@id": therapy_id, "name": article.title}
    other_names = [other.name for other in article.other_names.all()]
    if other_names:
        therapy["alternateName"] = other_names
    if article.summary:
        therapy["description"] = article.summary
    conditions = [
        {
            "@type": "MedicalCondition",
            "name": condition.name,
            "possibleTreatment": {"@id": therapy_id},
        }
        for condition in article.conditions.all()
    ]
    return [therapy, *conditions]


def web_page_node(article, url: str, review: ReviewFacts | None) -> dict:
    node = {
        "@type": "MedicalWebPage",
        "@id": f"{url}#webpage",
        "url": url,
        "name": article.title,
        "about": therapy_nodes(article, url),
    }
    if article.summary:
        node["description"] = article.summary
    if review is not None:
        node["lastReviewed"] = review.reviewed_on.isoformat()
        node["reviewedBy"] = reviewer_node(review)
    return node


def faq_node(article, url: str) -> dict | None:
    """The answered questions; an unanswered one is an editor's to-do, never published.

    Answers are HTML as the body's API shape gives them (links to the clinic's own pages).
    """
    questions = [
        {
            "@type": "Question",
            "name": block.value["question"],
            "acceptedAnswer": {
                "@type": "Answer",
                "text": block.block.get_api_representation(block.value)["answer"],
            },
        }
        for block in article.body
        if block.block_type == "question" and QuestionBlock.is_answered(block.value)
    ]
    if not questions:
        return None
    return {"@type": "FAQPage", "@id": f"{url}#faq", "url": url, "mainEntity": questions}


def clinic_node(clinic: ClinicFacts, therapy_id: str) -> dict:
    node = {
        "@type": "MedicalClinic",
        "@id": f"{clinic.url}#clinic",
        "name": clinic.name,
        "url": clinic.url,
        "availableService": {"@id": therapy_id},
    }
    if clinic.address:
        lines = [line.strip() for line in clinic.address.splitlines() if line.strip()]
        node["address"] = {"@type": "PostalAddress", "streetAddress": ", ".join(lines)}
    if clinic.telephone:
        node["telephone"] = clinic.telephone
    if clinic.email:
        node["email"] = clinic.email
    if clinic.hours:
        node["openingHoursSpecification"] = [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"{CONTEXT}/{WEEKDAYS[day.weekday]}",
                "opens": day.opens.strftime("%H:%M"),
                "closes": day.closes.strftime("%H:%M"),
            }
            for day in clinic.hours
        ]
    if clinic.booking_url:
        node["potentialAction"] = {
            "@type": "ReserveAction",
            "target": {"@type": "EntryPoint", "urlTemplate": clinic.booking_url},
        }
    return node


def article_graph(
    article,
    url: str,
    review: ReviewFacts | None,
    clinic: ClinicFacts | None,
) -> dict:
    """The article's JSON-LD: ``{"@context": "https://schema.org", "@graph": [...]}``.

    ``review`` None (an article never reviewed) leaves ``lastReviewed`` and ``reviewedBy`` out
    rather than claim a review that never happened.
    """
    graph = [web_page_node(article, url, review)]
    faq = faq_node(article, url)
    if faq is not None:
        graph.append(faq)
    # Google's local business results need an address: a branch without one is left out.
    if clinic is not None and clinic.address.strip():
        graph.append(clinic_node(clinic, f"{url}#therapy"))
    return {"@context": CONTEXT, "@graph": graph}
