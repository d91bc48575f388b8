"""API field serializers for treatment articles."""

from rest_framework import serializers


class ConditionSerializer(serializers.Serializer):
    """A condition as partners see it.

    JSON: ``{"id": 3, "name": "Frozen shoulder", "slug": "frozen-shoulder"}``.
    """

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    slug = serializers.SlugField(read_only=True)
