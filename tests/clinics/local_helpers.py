"""What local content tests share: an article with questions, and a branch's local part."""

from clinics.local.models import LocalContent, Practitioner
from clinics.local.services import publish_local_content
from treatments.models import TreatmentPage

QUESTIONS = [
    ("Does it hurt?", "<p>A short cramp, then relief.</p>"),
    ("Is it safe while pregnant?", "<p>Ask your doctor first.</p>"),
]


def with_questions(article: TreatmentPage) -> list[str]:
    """Give the library article two questions and publish it; returns their block ids."""
    article.body = [("question", {"question": q, "answer": a}) for q, a in QUESTIONS]
    article.save_revision().publish()
    article.refresh_from_db()
    return [child.id for child in article.body]


def publish_library_change(article: TreatmentPage, summary: str) -> None:
    """The library publishes a change (as an operator: no review needed without a user)."""
    article = TreatmentPage.objects.get(pk=article.pk)
    article.summary = summary
    article.save_revision().publish()


def north_local(world, **fields) -> LocalContent:
    practitioner = Practitioner.objects.create(
        branch=world.north, name="Dr Lena Berg", title="Physiotherapist"
    )
    defaults = {
        "intro": "<p>At our North clinic we offer it on Tuesdays.</p>",
        "price_note": "60 EUR a session",
        "practitioners": [practitioner],
    }
    return publish_local_content(world.north_alias, **{**defaults, **fields})
