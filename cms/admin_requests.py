"""A malformed request to the admin answers 400, not 500.

Wagtail's and Django's admin forms trust what their own pages send: the hidden counts of
StreamFields and inline panels, the ids of chosen pages, the ids of bulk actions. A request
that leaves one out or puts words where an id goes (forged, or cut short by a broken
connection) raises inside their form handling, where no view of ours can catch it. These
errors say the request is malformed, not that the code failed, so the admin answers them as
Django answers a SuspiciousOperation: 400, and a warning in the log with the traceback, so a
real bug shaped like one is still seen.
"""

import logging

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponseBadRequest
from django.utils.datastructures import MultiValueDictKeyError

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"


def malformed(exception: Exception) -> str | None:
    """What is wrong with the request, if ``exception`` says it is malformed."""
    if isinstance(exception, MultiValueDictKeyError):
        return "A field this form always sends is missing. Reload the page and try again."
    if isinstance(exception, ValueError) and "expected a number but got" in str(exception):
        return "An id in this request is not a number."
    if isinstance(exception, ObjectDoesNotExist):
        return "This request names something that does not exist."
    return None


class MalformedAdminRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not request.path.startswith(ADMIN_PREFIX):
            return None
        reason = malformed(exception)
        if reason is None:
            return None
        logger.warning(
            "malformed admin request",
            exc_info=exception,
            extra={"path": request.path, "error": type(exception).__name__},
        )
        return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
