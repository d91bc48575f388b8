from pathlib import Path

import pytest
from wagtail.models import Page

from tests.factories import TreatmentLibraryPageFactory

FIXTURES = Path(__file__).parent / "fixtures"
SEED_FILE = FIXTURES / "ims_dry_needling.txt"


@pytest.fixture
def seed_path() -> Path:
    return SEED_FILE


@pytest.fixture
def root_page(db) -> Page:
    return Page.get_first_root_node()


@pytest.fixture
def library(root_page):
    return TreatmentLibraryPageFactory(parent=root_page)
