"""What partners are told changed: change events per clinic, numbered in commit order.

``record`` runs inside the transaction of the change itself (a publish, an unpublish, a
delete, a move, a privacy or settings change), so an event exists exactly when its change
committed. Each clinic's events take numbers from its ``SyncCounter`` row, locked until the
commit (see that model for why this keeps the feed exact under concurrent publishes).

An event says which page changed, not what it is now: the feed (``sync``) answers with each
changed page's state when it is read, so whatever commits later is sent again, never lost.
Once the change commits, the webhook events it implies are recorded and sent
(``webhook_tasks.emit_and_queue``): that never runs in, delays or fails the change's own
transaction.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from cms.models import ChangeEvent, ChangeKind, SyncCounter, WebhookEventType
from cms.sites import is_clinic_site

from . import webhook_tasks


@dataclass(frozen=True)
class ChangedPage:
    id: int
    type: str  # "app_label.ModelName", as the API's meta.type shows it
    path: str


def changed_page(page: Page) -> ChangedPage:
    return ChangedPage(page.pk, page.specific_class._meta.label, page.path)


def clinic_roots() -> list[tuple[int, str]]:
    """(site id, root page path) of every clinic: one query."""
    sites = Site.objects.select_related("root_page")
    return [(site.pk, site.root_page.path) for site in sites if is_clinic_site(site)]


def clinics_holding(paths: Iterable[str], roots: list[tuple[int, str]]) -> set[int]:
    return {site for site, root in roots for path in paths if path.startswith(root)}


def take_numbers(site_id: int, count: int) -> int:
    """Lock the clinic's counter until the commit; the first of ``count`` new numbers."""
    counter, _ = SyncCounter.objects.select_for_update().get_or_create(site_id=site_id)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return first


def record(
    pages_by_site: dict[int, list[ChangedPage]],
    kind: str,
    webhook_type: str | None = None,
) -> None:
    """Number and store the events in the caller's transaction; webhooks once it commits.

    Counters are locked in site order within a call, so two changes touching the same clinics
    wait for each other instead of deadlocking. Across calls in one transaction the order is
    the order of the changes (a library publish republishes its aliases branch by branch);
    two such transactions taking two clinics in opposite orders would be a deadlock, which
    PostgreSQL breaks by failing one of them: rare, since aliases are republished in path
    order. The alternative, one lock for every clinic, would make all publishes wait in line.
    """
    pages_by_site = {site: pages for site, pages in pages_by_site.items() if pages}
    if not pages_by_site:
        return
    now = timezone.now()
    with transaction.atomic():
        for site_id in sorted(pages_by_site):
            pages = pages_by_site[site_id]
            first = take_numbers(site_id, len(pages))
            ChangeEvent.objects.bulk_create(
                ChangeEvent(
                    site_id=site_id,
                    number=first + n,
                    page_id=page.id,
                    page_type=page.type,
                    kind=kind,
                    at=now,
                )
                for n, page in enumerate(pages)
            )
    if webhook_type is not None:
        payloads = [
            (site_id, webhook_type, page_payload(page, kind, now))
            for site_id, pages in pages_by_site.items()
            for page in pages
        ]
        transaction.on_commit(
            functools.partial(webhook_tasks.emit_and_queue, payloads), robust=True
        )


def page_payload(page: ChangedPage, kind: str, at) -> dict:
    return {"page": {"id": page.id, "type": page.type}, "reason": kind, "at": at.isoformat()}


def record_pages(pages: list[Page], kind: str, webhook_type: str | None = None) -> None:
    """Pages changed where they are now: at every clinic whose tree holds them."""
    roots = clinic_roots()
    changed = [changed_page(page) for page in pages]
    by_site = {
        site: [page for page in changed if page.path.startswith(root)] for site, root in roots
    }
    record(by_site, kind, webhook_type)


def record_move(page: Page, old_parent_path: str) -> None:
    """A moved subtree: a change at the clinics it left (gone there) and the one it joined."""
    roots = clinic_roots()
    subtree = [changed_page(p) for p in Page.objects.descendant_of(page, inclusive=True)]
    by_site = {}
    # The page was in a clinic's tree exactly when its old parent was (or was its root).
    for site in clinics_holding([old_parent_path], roots) | clinics_holding([page.path], roots):
        by_site[site] = subtree
    record(by_site, ChangeKind.MOVED)


def record_privacy(page_id: int) -> None:
    """A restriction set or lifted: the page and everything below it may have come or gone."""
    page = Page.objects.filter(pk=page_id).first()
    if page is None:  # the page itself is being deleted: its deletion is the change
        return
    record_pages(list(Page.objects.descendant_of(page, inclusive=True)), ChangeKind.PRIVACY)


def record_settings(site_id: int) -> None:
    """A clinic's settings show in its articles (structured data): each page it shows changed."""
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if site is None or not is_clinic_site(site):
        return
    pages = [
        changed_page(page)
        for page in Page.objects.live().public().descendant_of(site.root_page, inclusive=True)
    ]
    record({site_id: pages}, ChangeKind.SETTINGS)
    now = timezone.now()
    transaction.on_commit(
        functools.partial(
            webhook_tasks.emit_and_queue,
            [(site_id, WebhookEventType.CLINIC_SETTINGS_CHANGED, {"at": now.isoformat()})],
        ),
        robust=True,
    )
