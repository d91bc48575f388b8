import pytest


@pytest.fixture
def world(served_world):
    """Read statistics tests see the branches with the beacon's map of them built."""
    return served_world
