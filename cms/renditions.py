"""API fields that expose images as ready-made renditions, never as originals.

Partners get a few sizes they can put straight into ``<img>``. Renditions are stored once
(Wagtail's rendition table) and reused; a listing loads the images of all its pages and
their renditions in one query each, so its query count does not grow with the page size.
"""

import logging
from collections.abc import Iterable, Mapping

from django.db.models import Model, QuerySet
from rest_framework import serializers
from wagtail.images.models import SourceImageIOError

from .models import CustomImage

logger = logging.getLogger(__name__)

# Named sizes partners choose from; changing a spec makes new renditions on next request.
RENDITION_SIZES: dict[str, str] = {
    "thumbnail": "fill-320x320",
    "card": "fill-800x450",
    "hero": "fill-1600x900",
}

_IMAGES = "cms.api_fields.images"
_GALLERIES = "cms.api_fields.galleries"


def serialized_together(field: serializers.Field, instance: Model) -> list[Model]:
    """The objects serialized alongside ``instance``: the whole page of a listing.

    DRF's list serializer evaluates the page's queryset before serializing its first item,
    so reading it again costs no query. Anywhere else only ``instance`` is known.
    """
    root = field.root
    if isinstance(root, serializers.ListSerializer) and field.parent is root.child:
        instances = root.instance
        evaluated = not isinstance(instances, QuerySet) or instances._result_cache is not None
        if instances is not None and evaluated:
            return [*instances, instance]
    return [instance]


def load_images(context: dict, image_ids: Iterable[int]) -> dict[int, CustomImage]:
    """Images by id with their renditions, fetched once per request for all fields."""
    cache: dict[int, CustomImage | None] = context.setdefault(_IMAGES, {})
    missing = {pk for pk in image_ids if pk is not None and pk not in cache}
    if missing:
        found = CustomImage.objects.filter(pk__in=missing).prefetch_renditions(
            *RENDITION_SIZES.values()
        )
        cache.update(dict.fromkeys(missing))
        cache.update({image.pk: image for image in found})
    return cache


def image_representation(
    image: CustomImage, sizes: Mapping[str, str], request=None
) -> dict[str, dict] | None:
    """``{size: {"id", "alt", "credit", "width", "height", "url"}}`` for one image."""
    try:
        renditions = image.get_renditions(*sizes.values())
    except SourceImageIOError:
        # The original is gone from storage: show no image rather than fail the response.
        logger.warning("image original missing", extra={"image_id": image.pk})
        return None
    data = {}
    for name, spec in sizes.items():
        rendition = renditions[spec]
        url = rendition.url
        if url.startswith("/"):
            url = request.build_absolute_uri(url) if request else rendition.full_url
        data[name] = {
            "id": image.pk,
            "alt": image.alt_text,
            "credit": image.credit,
            "width": rendition.width,
            "height": rendition.height,
            "url": url,
        }
    return data


class BulkRenditionsField(serializers.Field):
    """A read-only field of images in the named sizes, loaded for the whole answer at once."""

    # The API's generic prefetch skips fields that load their own rows in bulk.
    loads_in_bulk = True

    def __init__(self, sizes: Mapping[str, str] | None = None, **kwargs):
        kwargs["read_only"] = True
        super().__init__(**kwargs)
        self.sizes = dict(sizes or RENDITION_SIZES)


class ImageRenditionsField(BulkRenditionsField):
    """An image foreign key as renditions in a few sizes, or null.

    JSON::

        {"thumbnail": {"id": 7, "alt": "Needles in the lower back", "credit": "Photo: A. Lee",
                       "width": 320, "height": 320, "url": "https://media.example.org/..."},
         "card": {...}, "hero": {...}}
    """

    def get_attribute(self, instance):
        attname = instance._meta.get_field(self.source).attname
        if getattr(instance, attname) is None:
            return None
        ids = (getattr(obj, attname, None) for obj in serialized_together(self, instance))
        return load_images(self.context, ids).get(getattr(instance, attname))

    def to_representation(self, value):
        return image_representation(value, self.sizes, self.context.get("request"))


class GalleryField(BulkRenditionsField):
    """A page's gallery (an orderable child relation of ``GalleryImage``), in order.

    JSON: ``[{"caption": "The treatment room", "image": {<ImageRenditionsField sizes>}}]``.
    """

    def get_attribute(self, instance):
        return instance

    def to_representation(self, page):
        items = self._items_by_page(page).get(page.pk, [])
        images = load_images(self.context, (item.image_id for item in items))
        request = self.context.get("request")
        return [
            {"caption": item.caption, "image": image_representation(image, self.sizes, request)}
            for item in items
            if (image := images.get(item.image_id)) is not None
        ]

    def _items_by_page(self, page) -> dict[int, list]:
        galleries: dict[int, list] = self.context.setdefault((_GALLERIES, self.source), {})
        pages = {obj.pk for obj in serialized_together(self, page)} - galleries.keys()
        if pages:
            model = page._meta.get_field(self.source).related_model
            items = model.objects.filter(page_id__in=pages).order_by("page_id", "sort_order")
            for pk in pages:
                galleries[pk] = []
            for item in items:
                galleries[item.page_id].append(item)
            load_images(self.context, (item.image_id for item in items))
        return galleries
