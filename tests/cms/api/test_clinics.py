"""``/api/v2/clinics/``: each branch and its settings, fresh after every settings save."""

import datetime

import pytest
from django.core.cache import cache

from clinics.models import ClinicSettings

CLINICS = "/api/v2/clinics/"


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]


@pytest.fixture
def north_settings(north):
    return ClinicSettings.objects.create(
        site=north.site,
        name="North Clinic",
        address="1 North Road",
        phone="+44 20 0000 0001",
        email="north@example.org",
        booking_url="https://book.example.org/north",
        opening_hours=[
            (
                "day",
                {
                    "weekday": "mon",
                    "opens": datetime.time(9),
                    "closes": datetime.time(18),
                    "closed": False,
                },
            ),
            ("day", {"weekday": "sun", "closed": True}),
        ],
    )


def test_clinic_detail_shows_its_settings(client, north_settings):
    data = client.get(f"{CLINICS}north/").json()

    assert data == {
        "slug": "north",
        "name": "North Clinic",
        "hostname": "north.example.org",
        "root_url": "http://north.example.org",
        "detail_url": "http://testserver/api/v2/clinics/north/",
        "address": "1 North Road",
        "phone": "+44 20 0000 0001",
        "email": "north@example.org",
        "booking_url": "https://book.example.org/north",
        "opening_hours": [
            {"weekday": "mon", "opens": "09:00:00", "closes": "18:00:00", "closed": False},
            {"weekday": "sun", "opens": None, "closes": None, "closed": True},
        ],
    }
    assert client.get(f"{CLINICS}north.example.org/").json()["slug"] == "north"


def test_clinic_listing_has_every_branch_even_without_settings(
    client, north_settings, south, django_assert_num_queries
):
    client.get(CLINICS)
    cache.clear()

    with django_assert_num_queries(1):
        data = client.get(CLINICS).json()

    assert data["meta"] == {"total_count": 2}
    assert [(c["slug"], c["name"]) for c in data["items"]] == [
        ("north", "North Clinic"),
        ("south", "South"),
    ]
    assert not ClinicSettings.objects.filter(site__hostname="south.example.org").exists()


def test_clinic_listing_query_count_does_not_grow(client, make_branch, django_assert_num_queries):
    for n in range(5):
        make_branch(f"branch-{n}")
    client.get(CLINICS)
    cache.clear()

    with django_assert_num_queries(1):
        assert len(client.get(CLINICS).json()["items"]) == 5


def test_a_settings_save_updates_the_clinic_answer(client, north_settings):
    assert client.get(f"{CLINICS}north/").json()["phone"] == "+44 20 0000 0001"

    settings = ClinicSettings.objects.get(site=north_settings.site)
    settings.phone = "+44 20 0000 0002"
    settings.save()

    assert client.get(f"{CLINICS}north/").json()["phone"] == "+44 20 0000 0002"


def test_unknown_clinic_and_bad_input_are_json_4xx(client, north_settings):
    response = client.get(f"{CLINICS}nowhere/")
    assert response.status_code == 404
    assert response.json() == {"message": "unknown clinic: 'nowhere'"}
    # Parameters the endpoint has no use for are ignored, as on every detail.
    response = client.get(f"{CLINICS}?limit=3&utm_source=x")
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["items"]] == ["north"]
    assert client.delete(f"{CLINICS}north/").status_code == 405
