"""The served-articles map: which article ids each branch serves, kept in Redis for the beacon.

A read must cost no SQL, so the beacon looks the branch and the page up in ``reads:map``
(see ``buffer``), which this module builds from the database and installs whole. It is rebuilt
when the page tree, privacy or Sites change (``signals``) and by every refresh, so a map lost
with Redis's data comes back within one refresh interval, or at once on the next beacon.
"""

import uuid

from wagtail.models import PageViewRestriction, Site

from cms.sites import clinic_directory

from ..models import TreatmentPage
from ..selectors import original_id_expression
from .buffer import MAP, MAP_GENERATION, MAP_WRITTEN, redis_client, script

# Install a rebuilt map only if no rebuild that started later has installed one already.
_INSTALL_MAP = """
local written = tonumber(redis.call('GET', KEYS[3]) or '0')
if tonumber(ARGV[1]) < written then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], ARGV[1])
return 1
"""


def _site_for_path(path: str, sites: list[Site]) -> Site | None:
    for site in sites:
        if path.startswith(site.root_page.path):
            return site
    return None


def _host_fields(sites: list[Site]) -> dict[str, str]:
    """Branch lookups by host, mirroring Wagtail's Site.find_for_request.

    ``h:<host>:<port>`` is an exact match; ``h:<host>`` the site a hostname gets on any other
    port (its default site, else its only site); ``default`` the fallback for unknown hosts.
    """
    fields = {}
    by_host: dict[str, list[Site]] = {}
    for site in sites:
        fields[f"h:{site.hostname}:{site.port}"] = str(site.pk)
        by_host.setdefault(site.hostname, []).append(site)
        if site.is_default_site:
            fields["default"] = str(site.pk)
    for hostname, matches in by_host.items():
        defaults = [s for s in matches if s.is_default_site]
        if defaults or len(matches) == 1:
            fields[f"h:{hostname}"] = str((defaults or matches)[0].pk)
    return fields


def served_map_fields() -> dict[str, str]:
    """The beacon's lookup table: branches by host or clinic name, and the articles each serves.

    ``p:<site id>:<page id>`` -> original id, for every live article outside private sections
    under the site's root; ``c:<clinic name>`` -> site id, for every name
    ``cms.sites.clinic_directory`` knows. Three queries, whatever the number of articles.
    """
    # Deepest root first: nested sites claim their own pages.
    sites = list(Site.objects.select_related("root_page").order_by("-root_page__path", "id"))
    private_paths = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    pages = TreatmentPage.objects.annotate(original=original_id_expression()).values_list(
        "id", "path", "original", "live"
    )

    fields = _host_fields(sites)
    for name, site in clinic_directory(sites).items():
        fields[f"c:{name}"] = str(site.pk)
    for page_id, path, original, live in pages:
        if not live or any(path.startswith(p) for p in private_paths):
            continue
        site = _site_for_path(path, sites)
        if site is not None:
            fields[f"p:{site.pk}:{page_id}"] = str(original)
    return fields


def start_map_rebuild() -> int:
    """Number a rebuild before it reads the database: a later number saw later commits."""
    return int(redis_client().incr(MAP_GENERATION))


def install_map(fields: dict[str, str], generation: int) -> bool:
    """Replace the page map with ``fields`` unless a rebuild numbered later got there first."""
    r = redis_client()
    temp = f"{MAP}:build:{uuid.uuid4().hex}"
    # An empty database still gets a map, so reads answer 404 rather than rebuilding each time.
    r.hset(temp, mapping={"built": generation, **fields})
    r.expire(temp, 300)
    return bool(script(_INSTALL_MAP)(keys=[temp, MAP, MAP_WRITTEN], args=[generation]))


def rebuild_served_map() -> bool:
    """Rebuild the map from the database (three queries) and install it.

    Returns False when a rebuild that started later had already installed a newer map.
    """
    generation = start_map_rebuild()
    return install_map(served_map_fields(), generation)
