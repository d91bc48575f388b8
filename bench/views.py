"""The framework floor: what Django itself does with a request, given the answer's bytes."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

_body: bytes | None = None


def floor(request):
    """Fixed bytes of a listing's size, read once per worker, through the full middleware."""
    global _body
    if _body is None:
        _body = settings.BENCH_FLOOR_FILE.read_bytes()
    return HttpResponse(_body, content_type="application/json")


@csrf_exempt
def fixed_bytes(request):
    """Two bytes to any method: the floor for the read beacon, which answers with no body."""
    return HttpResponse(b"ok", content_type="text/plain")
