"""Fill this project with the anchor's seed-sized articles, offered at two branches.

Used by ``manage.py bench_fill`` under ``DJANGO_SETTINGS_MODULE=bench.settings``.

Each article is shaped like the stock anchor's ``fill.py``: the same paragraph as summary, three
question sections and four questions and answers carrying that paragraph, three conditions.

Wagtail creates a page with many queries (``add_child`` locks and renumbers the tree, and
``create_alias`` copies, logs and re-reads), so 1,000 articles and 2,000 aliases one by one take
minutes on a shared machine, and the read-refresh measurement needs 10,000 more. Articles and
aliases are therefore written in bulk with the rows Wagtail itself would write: the tree path
computed as treebeard computes it, the parent's ``numchild`` raised once, aliases pointing at their
original with the same content (what ``create_alias`` copies). Branches are few and go through
``create_clinic`` when the tree has it, else through the page API as the test fixtures do.
"""

import sys
import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command, get_commands, load_command_class
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from wagtail.models import Page, Site

from clinics.models import ClinicHomePage
from treatments.models import Condition, TreatmentIndexPage, TreatmentPage
from treatments.services import get_or_create_library

TEXT = (
    "Dry needle treatment is also known as intramuscular stimulation (IMS). Very thin needles "
    "of various lengths are used and these needles do not contain any medication. "
) * 3
CONDITIONS = ["Low back pain", "Neck pain", "Frozen shoulder"]
BRANCHES = [("bench-north", "north.bench.test"), ("bench-south", "south.bench.test")]
# Only the read-refresh measurement requests this branch.
READS_BRANCH = ("bench-reads", "reads.bench.test")
BATCH = 1000


def article_body(i: int) -> list[tuple[str, dict]]:
    """Three question sections and four questions and answers, as the anchor's body."""
    answer = f"<p>{TEXT}</p>"
    sections = [("question", {"question": f"What is treatment {i}?", "answer": answer})] * 3
    faq = [("question", {"question": f"Question {k}?", "answer": answer}) for k in range(4)]
    return sections + faq


def _child_paths(parent: Page, count: int) -> list[str]:
    """The paths treebeard would give ``count`` new last children of ``parent``."""
    last = parent.get_last_child()
    start = Page._str2int(last.path[-Page.steplen :]) if last else 0
    return [Page._get_path(parent.path, parent.depth + 1, start + k) for k in range(1, count + 1)]


def _insert_specific_rows(rows: list[TreatmentPage]) -> None:
    """Insert the TreatmentPage table rows of pages whose base rows exist.

    ``bulk_create`` refuses multi-table models, so this issues the INSERT bulk_create would.
    """
    fields = TreatmentPage._meta.local_concrete_fields
    for start in range(0, len(rows), BATCH):
        TreatmentPage._base_manager._insert(rows[start : start + BATCH], fields=fields)


def _create_pages(parent: Page, specs: list[dict]) -> list[Page]:
    """Create live TreatmentPages under ``parent``: ``specs`` hold title, slug, content."""
    content_type = ContentType.objects.get_for_model(TreatmentPage)
    paths = _child_paths(parent, len(specs))
    base_rows = [
        Page(
            title=spec["title"],
            draft_title=spec["title"],
            slug=spec["slug"],
            content_type=content_type,
            path=path,
            depth=parent.depth + 1,
            numchild=0,
            url_path=f"{parent.url_path}{spec['slug']}/",
            live=True,
            has_unpublished_changes=False,
            first_published_at=spec["published_at"],
            last_published_at=spec["published_at"],
            locale_id=parent.locale_id,
            translation_key=uuid.uuid4(),
            alias_of_id=spec.get("alias_of_id"),
        )
        for spec, path in zip(specs, paths, strict=True)
    ]
    base_rows = Page.objects.bulk_create(base_rows, batch_size=BATCH)
    _insert_specific_rows(
        [
            TreatmentPage(
                page_ptr_id=row.pk,
                summary=spec["summary"],
                sessions_per_week=spec["sessions_per_week"],
                body=spec["body"],
                editor_notes="",
            )
            for spec, row in zip(specs, base_rows, strict=True)
        ]
    )
    Page.objects.filter(pk=parent.pk).update(numchild=F("numchild") + len(specs))
    parent.refresh_from_db()
    return base_rows


def _link_conditions(page_ids: Iterable[int], conditions: list[Condition]) -> None:
    through = TreatmentPage.conditions.through
    through.objects.bulk_create(
        [
            through(treatmentpage_id=page_id, condition_id=condition.pk)
            for page_id in page_ids
            for condition in conditions
        ],
        batch_size=BATCH * 3,
    )


def create_articles(parent: Page, first: int, count: int) -> list[Page]:
    """``count`` seed-sized originals under ``parent``, numbered from ``first``."""
    conditions = [
        Condition.objects.get_or_create(
            name=name, defaults={"slug": name.lower().replace(" ", "-")}
        )[0]
        for name in CONDITIONS
    ]
    now = timezone.now()
    specs = [
        {
            "title": f"Treatment {i}",
            "slug": f"treatment-{i}",
            "summary": TEXT,
            "sessions_per_week": 2,
            "body": article_body(i),
            "published_at": now,
        }
        for i in range(first, first + count)
    ]
    rows = _create_pages(parent, specs)
    _link_conditions((row.pk for row in rows), conditions)
    return rows


def offer_all(originals: list[Page], index: Page) -> list[Page]:
    """Aliases of ``originals`` under a branch's index, with the content create_alias copies."""
    specifics = TreatmentPage.objects.in_bulk([page.pk for page in originals])
    conditions = TreatmentPage.conditions.through.objects.filter(
        treatmentpage_id__in=list(specifics)
    )
    by_page: dict[int, list[int]] = {}
    for link in conditions:
        by_page.setdefault(link.treatmentpage_id, []).append(link.condition_id)
    specs = [
        {
            "title": page.title,
            "slug": page.slug,
            "summary": specifics[page.pk].summary,
            "sessions_per_week": specifics[page.pk].sessions_per_week,
            "body": specifics[page.pk].body,
            "alias_of_id": page.pk,
            "published_at": page.first_published_at,
        }
        for page in originals
    ]
    aliases = _create_pages(index, specs)
    through = TreatmentPage.conditions.through
    through.objects.bulk_create(
        [
            through(treatmentpage_id=alias.pk, condition_id=condition_id)
            for page, alias in zip(originals, aliases, strict=True)
            for condition_id in by_page.get(page.pk, [])
        ],
        batch_size=BATCH * 3,
    )
    return aliases


def _create_clinic_by_command(slug: str, hostname: str) -> bool:
    """Call ``create_clinic`` when the tree has it, matching its arguments by name.

    Its exact signature belongs to another change; a mismatch falls back to the page API.
    """
    app = get_commands().get("create_clinic")
    if app is None:
        return False
    parser = load_command_class(app, "create_clinic").create_parser("manage.py", "create_clinic")
    args: list[str] = []
    values = {"slug": slug, "host": hostname, "name": slug.replace("-", " ").title()}
    for action in parser._actions:
        value = next((v for key, v in values.items() if key in action.dest), None)
        if action.option_strings:
            if value is not None and action.option_strings[-1].startswith("--"):
                args += [action.option_strings[-1], value]
            elif action.required:
                return False
        elif action.dest not in ("help",):
            if value is None:
                return False
            args.append(value)
    try:
        call_command("create_clinic", *args, stdout=sys.stderr)
    except Exception as error:  # noqa: BLE001 - any failure means: build the branch directly
        sys.stderr.write(f"create_clinic {' '.join(args)} failed ({error}); building directly\n")
        return False
    return ClinicHomePage.objects.filter(slug=slug).exists()


def create_branch(slug: str, hostname: str) -> dict:
    """A branch as the tree holds one: Site -> ClinicHomePage -> TreatmentIndexPage."""
    by_command = _create_clinic_by_command(slug, hostname)
    if not by_command:
        root = Page.get_first_root_node()
        home = root.add_child(instance=ClinicHomePage(title=slug.title(), slug=slug))
        Site.objects.create(hostname=hostname, port=80, root_page=home, site_name=slug.title())
    home = ClinicHomePage.objects.get(slug=slug)
    site = Site.objects.get(root_page=home)
    index = TreatmentIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=TreatmentIndexPage(title="Treatments", slug="treatments"))
    return {
        "slug": slug,
        "hostname": site.hostname,
        "index": index.pk,
        "via": "create_clinic" if by_command else "page API",
    }


@transaction.atomic
def fill(count: int) -> dict:
    """``count`` articles in the library, all offered at both bench branches."""
    library = get_or_create_library()
    originals = create_articles(library, 0, count)
    branches = []
    for slug, hostname in BRANCHES:
        branch = create_branch(slug, hostname)
        offer_all(originals, Page.objects.get(pk=branch["index"]))
        branches.append(branch)
    return {"articles": count, "branches": branches}


@transaction.atomic
def fill_reads_branch(count: int) -> dict:
    """``count`` more articles offered at a third branch, for the read-refresh measurement."""
    library = get_or_create_library()
    first = TreatmentPage.objects.child_of(library).count()
    originals = create_articles(library, first, count)
    branch = create_branch(*READS_BRANCH)
    aliases = offer_all(originals, Page.objects.get(pk=branch["index"]))
    return {**branch, "aliases": [alias.pk for alias in aliases]}
