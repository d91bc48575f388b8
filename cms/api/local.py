"""A branch's local content in the partner API: the ``local`` field and hidden questions.

An offered article answers as one document at its branch: the shared fields, ``local`` (the
branch's published additions, ``clinics.local``) and a ``body`` without the questions the
branch hides. Both read what ``attach_local_content`` loaded for the whole answer (one query
when the answer holds an offered article, two more when some local part names practitioners,
and the photos with the answer's other images), so a listing costs the same for 1 article as
for 100. Drafts never show: only live local content is read.
"""

from django.db.models import Prefetch
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from clinics.local.models import LocalContent, LocalPractitioner
from cms.renditions import RENDITION_SIZES, image_representation, load_images

ATTRIBUTE = "live_local_content"


def attach_local_content(pages: list) -> None:
    """Set ``live_local_content`` (a LocalContent or None) on each page, in one query."""
    aliases = [page for page in pages if getattr(page, "alias_of_id", None)]
    for page in pages:
        setattr(page, ATTRIBUTE, None)
    if not aliases:
        return
    practitioners = LocalPractitioner.objects.select_related("practitioner").order_by("sort_order")
    found = LocalContent.objects.filter(
        page_id__in=[page.pk for page in aliases], live=True
    ).prefetch_related(Prefetch("practitioners", queryset=practitioners))
    by_page = {local.page_id: local for local in found}
    for page in aliases:
        setattr(page, ATTRIBUTE, by_page.get(page.pk))


def live_local_content(page) -> LocalContent | None:
    if not hasattr(page, ATTRIBUTE):
        attach_local_content([page])
    return getattr(page, ATTRIBUTE)


def _html(value: str) -> str:
    return expand_db_html(value) if value else ""


class LocalContentField(serializers.Field):
    """The branch's published additions to an article, or null when it has none.

    JSON::

        {"intro": "<p>At our North clinic...</p>", "closing": "",
         "practitioners": [{"name": "Dr. A. Lee", "title": "Physiotherapist",
                            "photo": {<hero_image sizes>} or null}],
         "offered_times": "Tuesdays 9-13", "price_note": "Covered by most insurers",
         "booking_url": "https://booking.example/north/ims"}
    """

    # Loaded by attach_local_content, not by the API's generic prefetch.
    loads_in_bulk = True

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return live_local_content(instance)

    def to_representation(self, local):
        practitioners = [link.practitioner for link in local.practitioners.all()]
        images = load_images(self.context, (p.photo_id for p in practitioners))
        request = self.context.get("request")
        return {
            "intro": _html(local.intro),
            "closing": _html(local.closing),
            "practitioners": [
                {"name": p.name, "title": p.title, "photo": self._photo(images, p, request)}
                for p in practitioners
            ],
            "offered_times": local.offered_times,
            "price_note": local.price_note,
            "booking_url": local.booking_url,
        }

    @staticmethod
    def _photo(images, practitioner, request):
        image = images.get(practitioner.photo_id)
        return image_representation(image, RENDITION_SIZES, request) if image else None


def without_hidden_questions(page, data: dict) -> dict:
    """``data["body"]`` less the questions the page's branch hides (a no-op elsewhere)."""
    if not data.get("body") or not getattr(page, "alias_of_id", None):
        return data
    local = live_local_content(page)
    if local is None or not local.hidden_questions:
        return data
    hidden = set(local.hidden_questions)
    data["body"] = [block for block in data["body"] if block.get("id") not in hidden]
    return data
