"""Filter backends and query-parameter parsing for the partner API.

Wagtail's own backends pass some input straight to PostgreSQL (an id past the integer range,
a NUL byte in a search, a text value for a number field) and answer 500. These parse first and
answer 400 with a message instead.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from rest_framework.filters import BaseFilterBackend
from taggit.managers import _TaggableManager
from wagtail.api.v2.filters import AncestorOfFilter, ChildOfFilter, DescendantOfFilter
from wagtail.api.v2.utils import BadRequestError, parse_boolean
from wagtail.fields import StreamField
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from cms.sites import UnknownClinic, find_clinic, is_clinic_site
from treatments.models import ReadTotal
from treatments.selectors import original_id_expression

from .local import local_page_ids, search_as_shown

# PostgreSQL's integer column range: a page id outside it is never a page.
MAX_ID = 2**31 - 1
MAX_PARAM_LENGTH = 1_000


def check_query_string(query: dict) -> None:
    """Reject input no endpoint accepts: NUL bytes and absurdly long values."""
    for name, values in query.lists():
        for value in [name, *values]:
            if "\x00" in value:
                raise BadRequestError(f"null characters are not allowed in '{name[:50]}'")
            if len(value) > MAX_PARAM_LENGTH:
                raise BadRequestError(f"'{name[:50]}' is longer than {MAX_PARAM_LENGTH} characters")


def parse_id(value: str, name: str) -> int:
    """A positive page (or object) id, as ``child_of=12`` gives it."""
    try:
        number = int(value)
    except ValueError as e:
        raise BadRequestError(f"{name} must be a positive integer") from e
    if not 0 < number <= MAX_ID:
        raise BadRequestError(f"{name} must be a positive integer up to {MAX_ID}")
    return number


def find_id(request) -> int | None:
    """``find/?id=``: None when absent or out of any table's range (stock answers 404 then).

    Stock passes a non-number to the database (a 500); that is a 400 here.
    """
    if "id" not in request.GET:
        return None
    try:
        pk = int(request.GET["id"])
    except ValueError as e:
        raise BadRequestError("id must be a positive integer") from e
    return pk if 0 < pk <= MAX_ID else None


def optional_clinic_for_request(request) -> Site | None:
    """For media: ``?clinic=`` or the hostname's clinic; None (no branch's media) otherwise."""
    if "clinic" in request.GET:
        return clinic_for_request(request)
    site = Site.find_for_request(request)
    return site if is_clinic_site(site) else None


def existing_clinic(name: str) -> Site:
    """The clinic called ``name``; 404 when none is: a well-formed name of nothing, as stock
    answers ``?site=`` for a site it does not know (and as the OpenAPI document can say)."""
    try:
        return find_clinic(name)
    except UnknownClinic as e:
        raise Http404(str(e)) from e


def clinic_for_request(request) -> Site:
    """``?clinic=<slug or hostname>``, else stock's ``?site=<hostname[:port]>``, else the Site
    serving the request's hostname.

    A hostname that is no branch's (and a default site that is no branch) needs ``?clinic=``:
    answering with another branch's articles would be wrong, answering with none misleading.
    """
    value = request.GET.get("clinic")
    if value is not None:
        if not value:
            raise BadRequestError("clinic must be a clinic's slug or hostname")
        return existing_clinic(value)
    site_name = request.GET.get("site")
    if site_name:
        try:
            return find_clinic(site_name.split(":", 1)[0])
        except UnknownClinic as e:
            # Stock's answer for a site it does not know.
            raise Http404("No Site matches the given query.") from e
    site = Site.find_for_request(request)
    if not is_clinic_site(site):
        raise BadRequestError("no clinic serves this hostname: pass ?clinic=<slug or hostname>")
    return site


def plain_column(model, name: str):
    """The model field behind ``name`` when it is one comparable column, else None."""
    field = model._meta.get_field(name)
    if (
        not field.concrete
        or field.many_to_many
        or isinstance(field, (models.JSONField, StreamField))
    ):
        return None
    return field


class StrictFieldsFilter(BaseFilterBackend):
    """``?title=...``, ``?slug=...``, ``?sessions_per_week=2``: equality on plain columns only.

    Values are converted by the model field and checked against the column's range, so a
    wrong value is a 400; relations, StreamFields and JSON cannot be filtered on.
    """

    def filter_queryset(self, request, queryset, view):
        model = queryset.model
        names = set(view.get_available_fields(model, db_fields_only=True)) - {"locale"}
        for name, value in request.GET.items():
            if name not in names:
                continue
            if isinstance(getattr(model, name, None), _TaggableManager):
                queryset = self.filter_tags(queryset, name, value)
                continue
            field = plain_column(model, name)
            if field is None:
                raise BadRequestError(f"cannot filter by '{name}'")
            queryset = queryset.filter(**{field.attname: self.parse(field, name, value)})
        return queryset

    def filter_tags(self, queryset, name, value):
        """``?tags=knee,shoulder``: items with every tag named, as stock filters them."""
        for tag in value.split(","):
            queryset = queryset.filter(**{name + "__name": tag})
        queryset._filtered_by_tag = True  # stock's flag: search refuses to combine with it
        return queryset

    def parse(self, field, name, value):
        if isinstance(field, models.ForeignKey):
            return parse_id(value, name)
        if isinstance(field, models.BooleanField):
            try:
                return parse_boolean(value)
            except ValueError as e:
                raise BadRequestError(f"{name}: {e}") from e
        try:
            python_value = field.to_python(value)
        except ValidationError as e:
            raise BadRequestError(
                f"field filter error. '{value[:50]}' is not a valid value for {name}"
            ) from e
        if isinstance(field, models.IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if not (low is None or low <= python_value) or not (
                high is None or python_value <= high
            ):
                raise BadRequestError(f"{name} is out of range")
        return python_value


class ClinicOrderingFilter(BaseFilterBackend):
    """``?order=-read_count``, ``?order=-first_published_at,title``, ``?order=random``.

    Beside Wagtail's column names, the annotations the view adds (``read_count``) order too.
    Pages with equal keys keep a stable order (by id), so pagination never repeats an item.
    """

    def filter_queryset(self, request, queryset, view):
        order = request.GET.get("order")
        if not order:  # stock ignores an empty order
            return queryset
        names = order.split(",")
        if "random" in names:
            if len(names) > 1:
                raise BadRequestError("random ordering cannot be combined with other fields")
            # Stock refuses an offset here; a random page at an offset is as random as the
            # first, and the OpenAPI document cannot forbid one parameter beside another.
            return queryset.order_by("?")
        model = queryset.model
        columns = {
            name
            for name in view.get_available_fields(model, db_fields_only=True)
            if name != "locale" and plain_column(model, name) is not None
        }
        allowed = columns | set(view.orderable_annotations)
        terms = []
        for term in names:
            name = term.removeprefix("-")
            if name not in allowed:
                raise BadRequestError(f"cannot order by '{term[:50]}' (unknown field)")
            if name in view.orderable_annotations:
                queryset = view.orderable_annotations[name](queryset)
            expression = F(name)
            terms.append(
                expression.desc(nulls_last=True) if term.startswith("-") else expression.asc()
            )
        return queryset.order_by(*terms, "pk")


def with_read_count(queryset):
    """``read_count``: the original's total (an alias has none of its own), 0 before any read."""
    total = ReadTotal.objects.filter(page_id=OuterRef("original_page_id")).values("count")[:1]
    return queryset.annotate(original_page_id=original_id_expression()).annotate(
        read_count=Coalesce(Subquery(total), 0)
    )


class SearchParametersFilter(BaseFilterBackend):
    """Checks ``search_operator`` before the search backend sees it.

    Stock Wagtail hands any value to the backend, which raises (a 500); a 400 says why, with or
    without ``search`` (a valid operator without ``search`` is ignored, as stock ignores it).
    """

    def filter_queryset(self, request, queryset, view):
        operator = request.GET.get("search_operator")
        if operator is not None and operator.lower() not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return queryset


class MissingPageIs404:
    """Wagtail's tree filters, answering 404 for a page the clinic does not show.

    Stock answers 400 ("parent page doesn't exist"); the message stays, the status says what
    happened: the id is well formed, and no such page is here.
    """

    def filter_queryset(self, request, queryset, view):
        try:
            return super().filter_queryset(request, queryset, view)
        except BadRequestError as e:
            if str(e).endswith("page doesn't exist"):
                raise Http404(str(e)) from e
            raise


class ClinicChildOfFilter(MissingPageIs404, ChildOfFilter):
    pass


class ClinicAncestorOfFilter(MissingPageIs404, AncestorOfFilter):
    pass


class ClinicDescendantOfFilter(MissingPageIs404, DescendantOfFilter):
    """Also combined with ``child_of`` (stock refuses): the children within that subtree."""

    def filter_queryset(self, request, queryset, view):
        if hasattr(queryset, "_filtered_by_child_of"):
            parent = queryset._filtered_by_child_of
            queryset = queryset.all()  # a copy without the marker, filtered again below
            filtered = super().filter_queryset(request, queryset, view)
            filtered._filtered_by_child_of = parent
            return filtered
        return super().filter_queryset(request, queryset, view)


class ClinicSearchFilter(BaseFilterBackend):
    """``?search=``, combined with every filter and order the listing accepts.

    Wagtail's SearchFilter passes the filtered, ordered queryset to the search backend, which
    refuses any filter or order on a column that is not a ``FilterField`` (``read_count``, the
    ``pk`` tie-breaker, ``sessions_per_week``): stock answers those with 400 "cannot order by
    ... while searching". Here the backend searches only among the ids the other filters left
    (``pk__in`` a subquery, so the backend never sees those filters). Without ``order`` the
    answer is in relevance order, as stock; with ``order`` (even an empty one) the listing's own
    order is kept and search only narrows it.
    """

    def filter_queryset(self, request, queryset, view):
        if "search" not in request.GET:
            return queryset
        if not getattr(settings, "WAGTAILAPI_SEARCH_ENABLED", True):
            raise BadRequestError("search is disabled")
        query = request.GET["search"]
        operator = request.GET.get("search_operator") or None
        candidates = queryset.model._default_manager.filter(pk__in=queryset.values("pk"))
        backend = get_search_backend()
        # Articles with a branch's live local part are searched as that branch shows them
        # (cms.api.local): local text found, hidden questions not.
        localised = local_page_ids(candidates)
        if localised:
            return search_as_shown(
                backend, query, queryset, candidates, localised, operator, "order" in request.GET
            )
        if "order" not in request.GET:
            return backend.search(query, candidates, operator=operator)
        found = backend.search(
            query, candidates.only("pk"), operator=operator, order_by_relevance=False
        )
        return queryset.filter(pk__in=[item.pk for item in found])
