"""Branch settings in the admin: opening hours are checked per day, the editor's input kept."""

import html
import json
import re

import pytest

from clinics.models import ClinicSettings

pytestmark = pytest.mark.django_db


def settings_form(days: list[dict]) -> dict[str, str]:
    """The settings form as a browser posts it, with ``days`` as opening-hours blocks."""
    data = {
        "name": "North",
        "address": "1 Harbour Road",
        "phone": "+44 1234 567890",
        "email": "north@example.org",
        "booking_url": "https://book.example.org/north",
        "opening_hours-count": str(len(days)),
    }
    for i, day in enumerate(days):
        prefix = f"opening_hours-{i}"
        data |= {f"{prefix}-type": "day", f"{prefix}-deleted": "", f"{prefix}-order": str(i)}
        data |= {f"{prefix}-id": "", f"{prefix}-value-weekday": day["weekday"]}
        data |= {f"{prefix}-value-opens": day.get("opens", "")}
        data |= {f"{prefix}-value-closes": day.get("closes", "")}
        if day.get("closed"):
            data[f"{prefix}-value-closed"] = "on"
    return data


@pytest.fixture
def north_settings(world, logins, as_user):
    client = as_user(logins.north_editor)
    url = f"/admin/settings/clinics/clinicsettings/{world.north.site.pk}/"
    client.get(url)
    return client, url


BLOCK_STATE = re.compile(r'data-w-block-arguments-value="([^"]*)"')


def opening_hours_state(response) -> tuple[list[dict], dict]:
    """The days and their errors as the re-rendered form hands them to Wagtail's editor."""
    assert response.status_code == 200
    values, errors = json.loads(html.unescape(BLOCK_STATE.search(response.content.decode())[1]))
    return values, errors


@pytest.mark.parametrize(
    ("day", "field", "message"),
    [
        (
            {"weekday": "mon", "opens": "18:00", "closes": "08:00"},
            "closes",
            "Closing time must be after opening time.",
        ),
        (
            {"weekday": "mon", "opens": "", "closes": "18:00"},
            "opens",
            "Opening time missing: give both times, or tick Closed.",
        ),
        (
            {"weekday": "mon", "opens": "09:00", "closes": ""},
            "closes",
            "Closing time missing: give both times, or tick Closed.",
        ),
    ],
)
def test_wrong_hours_are_shown_on_the_day_and_nothing_is_saved(north_settings, day, field, message):
    """A wrong day answers the form again with the message on that day; no 500, no save."""
    client, url = north_settings
    good = {"weekday": "tue", "opens": "08:00", "closes": "18:00"}

    response = client.post(url, settings_form([good, day]))

    values, errors = opening_hours_state(response)
    assert errors == {"blockErrors": {"1": {"blockErrors": {field: {"messages": [message]}}}}}
    assert values[1]["value"]["opens"] == day["opens"]  # what the editor typed is kept
    assert values[1]["value"]["closes"] == day["closes"]
    assert "1 Harbour Road" in response.content.decode()
    assert ClinicSettings.objects.get(site__root_page__slug="north").address == ""


def test_a_weekday_given_twice_is_refused_on_the_second(north_settings):
    client, url = north_settings
    days = [
        {"weekday": "mon", "opens": "08:00", "closes": "18:00"},
        {"weekday": "mon", "opens": "09:00", "closes": "12:00"},
    ]

    _, errors = opening_hours_state(client.post(url, settings_form(days)))

    assert errors == {
        "blockErrors": {"1": {"messages": ["Monday is already given above; one entry per day."]}}
    }


def test_a_closed_day_drops_its_times(world, north_settings):
    """Ticking Closed on a day that had hours saves it closed, without the old times."""
    client, url = north_settings
    days = [{"weekday": "sun", "opens": "10:00", "closes": "12:00", "closed": True}]

    response = client.post(url, settings_form(days))

    assert response.status_code == 302
    (sunday,) = ClinicSettings.for_site(world.north.site).opening_hours
    assert sunday.value["closed"] and sunday.value["opens"] is None
