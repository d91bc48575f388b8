"""Test data built with factory_boy and wagtail-factories."""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model

from clinics.models import ClinicHomePage
from treatments.models import (
    Condition,
    TreatmentIndexPage,
    TreatmentLibraryPage,
    TreatmentPage,
)


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


class TreatmentLibraryPageFactory(wagtail_factories.PageFactory):
    title = "Treatment library"
    slug = "treatment-library"

    class Meta:
        model = TreatmentLibraryPage


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
