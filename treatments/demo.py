"""The demo content: the seed article and the facts an editor would add to it."""

from django.conf import settings
from django.db import transaction

from .models import SessionGuidance, TreatmentOtherName, TreatmentPage
from .plaintext import parse_article, read_article_file
from .services import get_or_create_library, import_article

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
