"""Helpers for the read statistics tests: a branch group with offered articles, beacons."""

from dataclasses import dataclass

from tests.factories import TreatmentPageFactory
from treatments.reads import buffer

BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def flush_reads_redis() -> None:
    buffer.redis_client().flushdb()


@dataclass
class Group:
    """Two branches offering one library article; north also has an article of its own."""

    library_article: object
    own_article: object
    north: object  # Site
    south: object
    north_alias: object
    south_alias: object


def build_group(library, make_branch, offer) -> Group:
    article = TreatmentPageFactory(parent=library, title="Dry needling", slug="dry-needling")
    north, _, north_index = make_branch("north")
    south, _, south_index = make_branch("south")
    own = TreatmentPageFactory(parent=north_index, title="Cupping", slug="cupping")
    return Group(
        library_article=article,
        own_article=own,
        north=north,
        south=south,
        north_alias=offer(article, north_index),
        south_alias=offer(article, south_index),
    )


def beacon(client, page_id, site, ua=BROWSER_UA, ip="203.0.113.7", **extra):
    return client.post(
        f"/api/v2/pages/{page_id}/read/",
        data="read",
        content_type="text/plain",
        HTTP_HOST=site.hostname,
        HTTP_USER_AGENT=ua,
        REMOTE_ADDR=ip,
        **extra,
    )
