import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import ConditionFactory
from treatments.models import Condition
from treatments.slugs import ascii_slug, name_hash, unique_slug

SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Frozen shoulder", "frozen-shoulder"),
        ("腰痛", "yaotong"),
        ("Боль в спине", "bol-v-spine"),
        ("Ağrı kesici", "agri-kesici"),
        ("???", f"condition-{name_hash('???')}"),
    ],
)
def test_names_in_any_script_get_a_readable_slug(name, slug):
    assert ascii_slug(name, fallback="condition") == slug


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400), st.text(max_size=400))
def test_any_name_gets_a_valid_slug_and_two_names_never_share_one(first, second):
    """Whatever the script or length: a non-empty ASCII slug within 255 characters, and a
    second name whose plain slug is taken gets another one."""
    taken: set[str] = set()
    one = unique_slug(first, fallback="condition", taken=taken.__contains__)
    taken.add(one)
    other = unique_slug(second, fallback="condition", taken=taken.__contains__)

    for slug in (one, other):
        assert SLUG.match(slug) and len(slug) <= 255
    assert one != other


def test_a_hash_is_stable_across_runs():
    """The same name gets the same hash on every machine (no per-process salt)."""
    assert name_hash("腰痛") == "2256e35b"


@pytest.mark.django_db
def test_conditions_named_in_other_scripts_get_distinct_slugs():
    """Saved without a slug, as the admin and the importer save them: none empty, none shared,
    even when two names transliterate alike ("腰痛" and "腰桶" both read "yaotong")."""
    names = ["腰痛", "腰桶", "Боль в спине", "???", "!!!"]
    for name in names:
        Condition(name=name).save()

    slugs = dict(Condition.objects.values_list("name", "slug"))
    assert slugs["腰痛"] == "yaotong"
    assert slugs["腰桶"] == f"yaotong-{name_hash('腰桶')}"
    assert slugs["Боль в спине"] == "bol-v-spine"
    assert len(set(slugs.values())) == len(names)
    assert all(SLUG.match(slug) for slug in slugs.values())


@pytest.mark.django_db
def test_a_given_slug_is_kept():
    assert ConditionFactory(name="Neck pain", slug="neck").slug == "neck"
