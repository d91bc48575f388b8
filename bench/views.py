"""The framework floor: what Django itself does with a request, given the answer's bytes."""

from django.conf import settings
from django.http import HttpResponse

_body: bytes | None = None


def floor(request):
    """Fixed bytes of a listing's size, read once per worker, through the full middleware."""
    global _body
    if _body is None:
        _body = settings.BENCH_FLOOR_FILE.read_bytes()
    return HttpResponse(_body, content_type="application/json")
