import pytest

from tests.factories import World, build_world


@pytest.fixture
def world(db) -> World:
    """North and South, each with an article of its own, on the hostnames these tests name."""
    return build_world(
        article=("Dry needling (IMS)", "ims"),
        hostnames=("north.test", "south.test"),
        north_own=("North sports massage", "massage"),
        south_own=("South cupping", "cupping"),
    )
