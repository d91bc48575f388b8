"""Serializers for the image and document endpoints.

Kept apart from ``serializers.py``, which the models import: Wagtail's API serializers need the
app registry ready.
"""

from rest_framework.fields import Field
from taggit.managers import _TaggableManager
from wagtail.documents.api.v2.serializers import DocumentSerializer
from wagtail.images.api.v2.serializers import ImageSerializer


class PrefetchedTagsField(Field):
    """Tags as sorted names, from the prefetched tags: ``"tags": ["knee", "shoulder"]``.

    Wagtail's TagsField orders in SQL, which bypasses a prefetch: one query per item.
    """

    def to_representation(self, value):
        return sorted(tag.name for tag in value.all())


class PrefetchedTagsMixin:
    def build_property_field(self, field_name, model_class):
        if isinstance(getattr(model_class, field_name), _TaggableManager):
            return PrefetchedTagsField, {}
        return super().build_property_field(field_name, model_class)


class MediaImageSerializer(PrefetchedTagsMixin, ImageSerializer):
    pass


class MediaDocumentSerializer(PrefetchedTagsMixin, DocumentSerializer):
    pass
