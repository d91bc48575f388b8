"""Two branches built the way create_clinic builds them, a library article offered at both,
and one login per role."""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from clinics import groups, offering, services
from clinics.models import ClinicBranch
from tests.factories import TreatmentPageFactory, UserFactory
from treatments.models import TreatmentPage
from treatments.services import get_or_create_library

PASSWORD = "pw-for-tests"


@dataclass
class World:
    north: ClinicBranch
    south: ClinicBranch
    article: TreatmentPage
    north_alias: TreatmentPage
    south_alias: TreatmentPage
    north_own: TreatmentPage
    south_own: TreatmentPage
    north_editor: object
    north_moderator: object
    south_editor: object
    library_editor: object


def make_image(branch: ClinicBranch, title: str):
    return get_image_model().objects.create(
        title=title, alt_text=title, file=get_test_image_file(), collection=branch.collection
    )


def make_document(branch: ClinicBranch, title: str):
    return get_document_model().objects.create(
        title=title,
        file=ContentFile(b"opening hours", name=f"{title}.txt"),
        collection=branch.collection,
    )


def user_in(group, username):
    user = UserFactory(username=username)
    user.groups.add(group)
    return user


@pytest.fixture
def world(db) -> World:
    library = get_or_create_library()
    article = TreatmentPageFactory(parent=library, title="Dry needling (IMS)", slug="ims")
    article.save_revision().publish()
    north = services.create_clinic(name="North", hostname="north.test")
    south = services.create_clinic(name="South", hostname="south.test")
    north_alias, south_alias = offering.offer_article(article, [north, south])
    north_own = TreatmentPageFactory(
        parent=services.treatment_index(north), title="North sports massage", slug="massage"
    )
    south_own = TreatmentPageFactory(
        parent=services.treatment_index(south), title="South cupping", slug="cupping"
    )
    north_own.save_revision().publish()
    south_own.save_revision().publish()
    return World(
        north=north,
        south=south,
        article=article,
        north_alias=north_alias,
        south_alias=south_alias,
        north_own=north_own,
        south_own=south_own,
        north_editor=user_in(north.editors, "north-editor"),
        north_moderator=user_in(north.moderators, "north-moderator"),
        south_editor=user_in(south.editors, "south-editor"),
        library_editor=user_in(groups.sync_library_group(), "library-editor"),
    )
