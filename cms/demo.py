"""The demo: the seed article, the facts an editor would add to it, and two branches.

It composes every app (articles, branches, their groups), so it lives at the top, beside the
API and the URLs.
"""

from datetime import time

from django.conf import settings
from django.db import transaction

from clinics.local.models import LocalContent, Practitioner
from clinics.local.services import publish_local_content
from clinics.models import ClinicBranch, ClinicSettings
from clinics.offering import branches_carrying, offer_article
from clinics.services import ClinicError, create_clinic, find_branch
from treatments.governance.models import ClinicalReviewer
from treatments.governance.reviews import review_of
from treatments.governance.services import (
    add_clinical_review_to_workflows,
    review_through_workflow,
    sync_reviewers_group,
)
from treatments.models import SessionGuidance, TreatmentOtherName, TreatmentPage
from treatments.plaintext import parse_article, read_article_file
from treatments.services import get_or_create_library, import_article

SEED_FILE = "ims_dry_needling.txt"

# Taken from the article's own text: "Treatment should be planned twice a week ... Painful
# conditions that have just begun can be healed in 1-2 sessions. For lower back pain, 6-8
# sessions are sufficient. Neck pain heals a little faster than back pain. In cases such as
# frozen shoulder, the number of sessions should be increased."
SEED_FACTS = {
    "summary": (
        "Dry needle therapy (IMS) treats acute and chronic pain caused by muscle spasm or "
        "shortened muscles, with very thin needles that carry no medication."
    ),
    "other_names": ["IMS", "Dry needling", "Intramuscular stimulation"],
    "sessions_per_week": 2,
    "session_guidance": [
        ("Pain that has just begun", 1, 2, ""),
        ("Lower back pain", 6, 8, ""),
        ("Neck pain", None, None, "A little faster than lower back pain"),
        ("Frozen shoulder", None, None, "More sessions than for lower back pain"),
    ],
}


@transaction.atomic
def load_seed_article() -> tuple[TreatmentPage, bool]:
    """Import the seed into the library once; an existing article is left as editors made it."""
    path = settings.DEMO_CONTENT_DIR / SEED_FILE
    parsed = parse_article(read_article_file(path, settings.IMPORT_ARTICLE_MAX_BYTES))
    library = get_or_create_library()
    existing = TreatmentPage.objects.child_of(library).filter(title=parsed.title).first()
    if existing:
        return existing, False
    page, _ = import_article(parsed, library)
    page.summary = SEED_FACTS["summary"]
    page.sessions_per_week = SEED_FACTS["sessions_per_week"]
    page.other_names = [TreatmentOtherName(name=name) for name in SEED_FACTS["other_names"]]
    page.session_guidance = [
        SessionGuidance(condition=c, min_sessions=lo, max_sessions=hi, note=note)
        for c, lo, hi, note in SEED_FACTS["session_guidance"]
    ]
    page.save_revision().publish()
    return page, True


def _hours(weekdays: str, opens: time, closes: time) -> list[tuple[str, dict]]:
    return [
        ("day", {"weekday": day, "opens": opens, "closes": closes, "closed": False})
        for day in weekdays.split()
    ]


def _closed(weekdays: str) -> list[tuple[str, dict]]:
    return [
        ("day", {"weekday": day, "opens": None, "closes": None, "closed": True})
        for day in weekdays.split()
    ]


# Two branches with their own hostnames, facts and hours; editors log in per branch, as
# "<slug>-editor" and "<slug>-moderator".
DEMO_BRANCHES = [
    {
        "name": "North",
        "slug": "north",
        "hostname": "north.localhost",
        "settings": {
            "address": "12 Harbour Road\nNorthtown NT1 2AB",
            "phone": "+44 20 7946 0001",
            "email": "north@clinic.example",
            "booking_url": "https://booking.clinic.example/north",
            "opening_hours": [
                *_hours("mon tue wed thu fri", time(8), time(18)),
                *_hours("sat", time(9), time(13)),
                *_closed("sun"),
            ],
        },
    },
    {
        "name": "South",
        "slug": "south",
        "hostname": "south.localhost",
        "settings": {
            "address": "3 Market Square\nSouthville ST9 8YZ",
            "phone": "+44 20 7946 0002",
            "email": "south@clinic.example",
            "booking_url": "https://booking.clinic.example/south",
            "opening_hours": [
                *_hours("mon wed fri", time(9), time(17)),
                *_hours("tue thu", time(12), time(20)),
                *_closed("sat sun"),
            ],
        },
    },
]


@transaction.atomic
def load_demo_branch(spec: dict, seed: TreatmentPage) -> tuple[ClinicBranch, bool]:
    """Create the branch with its settings and offer the seed, once.

    An existing branch is left as its editors made it: its settings and the articles it
    carries (a withdrawn seed stays withdrawn).
    """
    existing = ClinicBranch.objects.filter(site__hostname=spec["hostname"]).first()
    if existing:
        return existing, False
    branch = create_clinic(name=spec["name"], slug=spec["slug"], hostname=spec["hostname"])
    settings_record = ClinicSettings.for_site(branch.site)
    for field, value in spec["settings"].items():
        setattr(settings_record, field, value)
    settings_record.save()
    offer_article(seed, [branch])
    return branch, True


# The demo's clinical reviewer; logs in as "clinical-reviewer".
DEMO_REVIEWER = {
    "name": "Dr Amira Haddad",
    "credentials": "MD, Physical Medicine and Rehabilitation",
}


@transaction.atomic
def load_demo_review(seed: TreatmentPage, user) -> tuple[ClinicalReviewer, bool]:
    """Make ``user`` the demo's clinical reviewer, put clinical review in the workflows that
    govern articles, and take the seed through review once (an edited seed is left to its
    editors and reviewer). Returns the reviewer and whether the seed was reviewed now."""
    reviewer, _ = ClinicalReviewer.objects.get_or_create(user=user, defaults=DEMO_REVIEWER)
    sync_reviewers_group()
    add_clinical_review_to_workflows()
    if review_of(seed) is not None:
        return reviewer, False
    review_through_workflow(seed, reviewer)
    return reviewer, True


# North's own words on the seed article (clinics.local); South says nothing of its own.
DEMO_LOCAL = {
    "north": {
        "practitioner": {"name": "Dr Lena Berg", "title": "Physiotherapist, IMS practitioner"},
        "intro": (
            "<p>At our North clinic, dry needling is offered by our physiotherapy team "
            "beside the harbour.</p>"
        ),
        "price_note": "A 30-minute session costs 60 EUR; most supplementary insurers cover it.",
        "offered_times": "Tuesdays and Thursdays, 9:00-13:00",
    }
}


@transaction.atomic
def load_demo_local(seed: TreatmentPage) -> list[str]:
    """Give each demo branch in ``DEMO_LOCAL`` its published local part on the seed, once.

    Runs after the seed's review (its live revision is what the local part is reviewed
    against). A branch whose local part exists is left as its editors made it; a branch
    that withdrew the seed gets none. Returns the branches given one now.
    """
    given = []
    for slug, spec in DEMO_LOCAL.items():
        try:
            branch = find_branch(slug)
        except ClinicError:
            continue
        alias = branches_carrying(seed).get(branch.pk)
        if alias is None or LocalContent.objects.filter(page=alias).exists():
            continue
        practitioner, _ = Practitioner.objects.get_or_create(
            branch=branch, name=spec["practitioner"]["name"], defaults=spec["practitioner"]
        )
        publish_local_content(
            alias,
            intro=spec["intro"],
            price_note=spec["price_note"],
            offered_times=spec["offered_times"],
            practitioners=[practitioner],
        )
        given.append(str(branch))
    return given
