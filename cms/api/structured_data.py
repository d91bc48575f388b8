"""The ``structured_data`` field of articles: schema.org JSON-LD a partner pastes as it is.

The graph is built in ``treatments.structured_data``; this module loads what it needs for the
whole answer at once (each article's review, the clinic's facts), so a listing costs the same
few queries for 1 article as for 100.
"""

from django.db.models import prefetch_related_objects
from rest_framework.fields import Field

from clinics.structured_data import clinic_facts
from treatments.governance.models import ArticleReview
from treatments.selectors import original_ids
from treatments.structured_data import article_graph, review_facts

FIELD = "structured_data"


class StructuredDataField(Field):
    """``{"@context": "https://schema.org", "@graph": [{"@type": "MedicalWebPage", "lastReviewed":
    "2026-12-01", "reviewedBy": {"@type": "Person", ...}, "about": [{"@type": "PhysicalTherapy",
    ...}, {"@type": "MedicalCondition", ...}]}, {"@type": "FAQPage", ...}, {"@type":
    "MedicalClinic", ...}]}``"""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, page):
        view = self.context["view"]
        if not hasattr(view, "_structured_clinic"):
            view._structured_clinic = clinic_facts(view.clinic_site)
        url = page.get_full_url() or view._structured_clinic.url
        return article_graph(page, url, page.structured_review, view._structured_clinic)


def attach_reviews(pages: list) -> None:
    """``structured_review`` on each article, from its original's review; two queries."""
    if not pages:
        return
    aliases = [page.pk for page in pages if page.alias_of_id]
    originals = original_ids(aliases) if aliases else {}
    original = {page.pk: originals.get(page.pk, page.pk) for page in pages}
    reviews = ArticleReview.objects.select_related("reviewer").filter(
        page_id__in=set(original.values())
    )
    by_page = {review.page_id: review for review in reviews}
    prefetch_related_objects(pages, "conditions", "other_names")
    for page in pages:
        page.structured_review = review_facts(by_page.get(original[page.pk]))
