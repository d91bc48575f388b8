"""Internal links in rich text, resolved to the public URLs of the clinic an answer is for.

An answer written in the library links to library articles, which have no public URL. A
branch shows the same article as an alias in its own tree: a link must point there. While the
API serializes for a clinic, ``clinic_links`` holds that clinic's resolver and the page link
handler (registered over Wagtail's) asks it; elsewhere Wagtail's behaviour is unchanged.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from html import escape

from django.db.models import Q
from wagtail import hooks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.rich_text.pages import PageLinkHandler
from wagtail.rich_text.rewriters import FIND_A_TAG, extract_attrs

from treatments.selectors import original_id_expression, original_ids

from .filters import MAX_ID

clinic_links: ContextVar["ClinicLinks | None"] = ContextVar("clinic_links", default=None)


class ClinicLinks:
    """Public URLs of pages as one clinic's site shows them, looked up in bulk and remembered."""

    def __init__(self, site: Site, visible_pages):
        self.root_url = site.root_url
        self.root_path = site.root_page.url_path
        self.visible_pages = visible_pages
        self.urls: dict[int, str | None] = {}

    def url(self, page_id: int) -> str | None:
        self.preload([page_id])
        return self.urls[page_id]

    def preload(self, page_ids: Iterable[int]) -> None:
        """Resolve new ids: the page itself if the clinic shows it, else its alias there."""
        missing = {pk for pk in page_ids if pk not in self.urls}
        if not missing:
            return
        originals = original_ids(missing)
        shown = (
            self.visible_pages.annotate(original=original_id_expression())
            .filter(Q(id__in=missing) | Q(original__in=set(originals.values())))
            .order_by("path")
        )
        paths_by_id, paths_by_original = {}, {}
        for pk, original, url_path in shown.values_list("id", "original", "url_path"):
            paths_by_id[pk] = url_path
            paths_by_original.setdefault(original, url_path)
        for pk in missing:
            path = paths_by_id.get(pk) or paths_by_original.get(originals.get(pk))
            self.urls[pk] = self.public_url(path) if path else None

    def public_url(self, url_path: str) -> str:
        return f"{self.root_url}/{url_path[len(self.root_path) :]}"


@contextmanager
def resolving_links_for(links: ClinicLinks) -> Iterator[ClinicLinks]:
    token = clinic_links.set(links)
    try:
        yield links
    finally:
        clinic_links.reset(token)


def linked_page_ids(instances: Iterable[Page]) -> set[int]:
    """Ids of pages linked from the rich text of ``instances``, to resolve them in one go."""
    ids = set()
    for instance in instances:
        for field in type(instance)._meta.concrete_fields:
            if isinstance(field, StreamField):
                texts = _strings(getattr(instance, field.attname).raw_data)
            elif isinstance(field, RichTextField):
                texts = [getattr(instance, field.attname) or ""]
            else:
                continue
            ids |= {pk for text in texts for pk in _page_link_ids(text)}
    return ids


def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple) or hasattr(value, "__iter__"):
        for item in value:
            yield from _strings(item)


def _page_link_ids(html: str) -> Iterator[int]:
    if 'linktype="page"' not in html:
        return
    for match in FIND_A_TAG.finditer(html):
        pk = _page_id(extract_attrs(match.group(1)))
        if pk is not None:
            yield pk


def _page_id(attrs: dict) -> int | None:
    if attrs.get("linktype") != "page":
        return None
    try:
        pk = int(attrs.get("id", ""))
    except ValueError:
        return None
    return pk if 0 < pk <= MAX_ID else None


class ClinicPageLinkHandler(PageLinkHandler):
    """Wagtail's page link handler, answering with the clinic's URL while the API asks."""

    @classmethod
    def expand_db_attributes_many(cls, attrs_list: list[dict]) -> list[str]:
        links = clinic_links.get()
        if links is None:
            return super().expand_db_attributes_many(attrs_list)
        ids = [_page_id(attrs) for attrs in attrs_list]
        links.preload(pk for pk in ids if pk is not None)
        # A page the clinic does not show keeps its text and loses its link.
        return [
            f'<a href="{escape(links.urls[pk])}">' if pk and links.urls[pk] else "<a>" for pk in ids
        ]


@hooks.register("register_rich_text_features", order=100)
def register_clinic_page_links(features):
    """Runs after Wagtail's own registration (order 0), so this handler replaces it."""
    features.register_link_type(ClinicPageLinkHandler)
