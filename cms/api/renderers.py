"""JSON rendering with orjson: several times faster than DRF's indented stdlib encoder."""

import orjson
from rest_framework.renderers import BaseRenderer
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder()


def to_json(data) -> bytes:
    """Compact JSON; lazy strings, decimals and the like go through DRF's encoder."""
    return orjson.dumps(data, default=_fallback.default)


class ORJSONRenderer(BaseRenderer):
    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return to_json(data)
