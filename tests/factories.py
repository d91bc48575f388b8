"""Test data built with factory_boy and wagtail-factories, and the branches built on it."""

from dataclasses import dataclass

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group
from wagtail.models import Page

from clinics import groups, offering, services
from clinics.models import ClinicBranch, ClinicHomePage
from treatments.governance.models import ClinicalReviewer
from treatments.governance.reviews import record_review
from treatments.models import (
    Condition,
    TreatmentIndexPage,
    TreatmentLibraryPage,
    TreatmentPage,
)
from treatments.services import get_or_create_library


class UserFactory(factory.django.DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw-for-tests")

    class Meta:
        model = get_user_model()


class ConditionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Condition {n}")
    slug = factory.Sequence(lambda n: f"condition-{n}")

    class Meta:
        model = Condition
        django_get_or_create = ("slug",)


class ClinicalReviewerFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Dr Reviewer {n}")
    credentials = "MD, Physical Medicine and Rehabilitation"
    user = factory.SubFactory(UserFactory)

    class Meta:
        model = ClinicalReviewer


def reviewed(article: TreatmentPage, reviewer: ClinicalReviewer | None = None) -> TreatmentPage:
    """Record a clinical review of the article's latest content, as a reviewer's approval does."""
    record_review(article, reviewer or ClinicalReviewerFactory(), article.get_latest_revision())
    return article


class ImageFactory(wagtail_factories.ImageFactory):
    """An image with the alt text our image model requires."""

    alt_text = factory.LazyAttribute(lambda image: image.title)


class ClinicHomePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")

    class Meta:
        model = ClinicHomePage


class TreatmentIndexPageFactory(wagtail_factories.PageFactory):
    title = "Treatments"
    slug = "treatments"

    class Meta:
        model = TreatmentIndexPage


class TreatmentPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Treatment {n}")
    slug = factory.Sequence(lambda n: f"treatment-{n}")
    summary = "Very thin needles release shortened muscles."
    sessions_per_week = 2
    body = factory.LazyFunction(
        lambda: [
            (
                "question",
                {"question": "What is it?", "answer": "<p>A needle therapy.</p>"},
            )
        ]
    )

    class Meta:
        model = TreatmentPage


@dataclass
class World:
    """A library article offered at two branches, North and South, as the services build it.

    ``north`` and ``south`` are the branches (their Site is ``north.site``); each may also have
    an article of its own, which no other branch shows.
    """

    library: TreatmentLibraryPage
    article: TreatmentPage
    north: ClinicBranch
    south: ClinicBranch
    north_alias: TreatmentPage
    south_alias: TreatmentPage
    north_own: TreatmentPage | None
    south_own: TreatmentPage | None


def _published_article(parent: Page, title: str, slug: str) -> TreatmentPage:
    article = TreatmentPageFactory(parent=parent, title=title, slug=slug)
    article.save_revision().publish()
    return article


def build_world(
    *,
    article: tuple[str, str] = ("Dry needling", "dry-needling"),
    hostnames: tuple[str, str] = ("north.example.org", "south.example.org"),
    north_own: tuple[str, str] | None = ("Cupping", "cupping"),
    south_own: tuple[str, str] | None = None,
) -> World:
    """Two branches made by ``create_clinic``, the library article offered at both.

    ``article`` and each branch's own article are ``(title, slug)``; an own article of None
    leaves that branch with the library article only. Every article is published; the library
    article is clinically reviewed, as an article must be to be offered or published again.
    """
    library = get_or_create_library()
    original = reviewed(_published_article(library, *article))
    north_host, south_host = hostnames
    north = services.create_clinic(name="North", hostname=north_host)
    south = services.create_clinic(name="South", hostname=south_host)
    north_alias, south_alias = offering.offer_article(original, [north, south])
    return World(
        library=library,
        article=original,
        north=north,
        south=south,
        north_alias=north_alias,
        south_alias=south_alias,
        north_own=_own_article(north, north_own),
        south_own=_own_article(south, south_own),
    )


def _own_article(branch: ClinicBranch, names: tuple[str, str] | None) -> TreatmentPage | None:
    if names is None:
        return None
    return _published_article(services.treatment_index(branch), *names)


@dataclass
class Logins:
    """One user per role, in the groups the services made, named as ``load_demo`` names them."""

    library_editor: AbstractBaseUser
    north_editor: AbstractBaseUser
    north_moderator: AbstractBaseUser
    south_editor: AbstractBaseUser
    south_moderator: AbstractBaseUser


def _user_in(group: Group, username: str) -> AbstractBaseUser:
    user = UserFactory(username=username)
    user.groups.add(group)
    return user


def add_logins(world: World) -> Logins:
    return Logins(
        library_editor=_user_in(groups.sync_library_group(), "library-editor"),
        north_editor=_user_in(world.north.editors, "north-editor"),
        north_moderator=_user_in(world.north.moderators, "north-moderator"),
        south_editor=_user_in(world.south.editors, "south-editor"),
        south_moderator=_user_in(world.south.moderators, "south-moderator"),
    )
