"""Clinics as Wagtail Sites: which Sites are clinics, and the clinic a slug or hostname names.

A clinic (a branch) is a Site whose root page class sets ``is_clinic_root = True``
(``clinics.ClinicHomePage`` does). The attribute, not an import, ties the two: this module sits
below every app, and the apps above it (articles, branches, the API, the read beacon) all name
clinics through it, so ``?clinic=North`` means the same branch to every one of them.

A clinic is named by its home page's slug (``north``) or by the hostname of any of its Sites
(``north.example.org``), case-insensitively. When a name could mean two Sites, a slug wins over a
hostname, then a default Site, then the lowest hostname and port: ``clinic_directory`` is the one
place that rule is written.
"""

from collections.abc import Iterable

from wagtail.models import Site


class UnknownClinic(ValueError):
    """No clinic goes by this name; the message quotes it (shortened) for the client."""

    def __init__(self, name: str):
        super().__init__(f"unknown clinic: '{name[:100]}'")


def is_clinic_site(site: Site | None) -> bool:
    return site is not None and getattr(site.root_page.specific_class, "is_clinic_root", False)


def _resolution_order(site: Site) -> tuple:
    return (not site.is_default_site, site.hostname, site.port, site.pk)


def clinic_site_rows(sites: Iterable[Site] | None = None) -> list[Site]:
    """Every Site of every clinic, a default Site first, then by hostname and port.

    ``sites``: Sites already loaded with their root pages (and whatever else the caller joins),
    so a caller that has them costs no second query. Without it, one query.
    """
    if sites is None:
        sites = Site.objects.select_related("root_page")
    return sorted((site for site in sites if is_clinic_site(site)), key=_resolution_order)


def clinic_sites(sites: Iterable[Site] | None = None) -> list[Site]:
    """One Site per clinic (its default Site, else the first by hostname), by slug."""
    first: dict[int, Site] = {}
    for site in clinic_site_rows(sites):
        first.setdefault(site.root_page_id, site)
    return sorted(first.values(), key=lambda site: site.root_page.slug)


def clinic_key(name: str) -> str:
    """How a clinic's name is compared: ``" North "`` and ``north`` are the same clinic."""
    return name.strip().lower()


def clinic_directory(sites: Iterable[Site] | None = None) -> dict[str, Site]:
    """Every name a clinic answers to (its slug, each hostname), as ``clinic_key`` spells it."""
    rows = clinic_site_rows(sites)
    directory: dict[str, Site] = {}
    for site in clinic_sites(rows):
        directory.setdefault(clinic_key(site.root_page.slug), site)
    for site in rows:
        directory.setdefault(clinic_key(site.hostname), site)
    return directory


def find_clinic(name: str) -> Site:
    """The Site of the clinic called ``name`` (slug or hostname); UnknownClinic otherwise."""
    site = clinic_directory().get(clinic_key(name))
    if site is None:
        raise UnknownClinic(name)
    return site
