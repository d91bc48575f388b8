import pytest

from tests.treatments.read_helpers import flush_reads_redis
from treatments.reads import served


@pytest.fixture
def read_buffer():
    """An empty read buffer before and after the test: Redis outlives test transactions."""
    flush_reads_redis()
    yield
    flush_reads_redis()


@pytest.fixture
def world(world, read_buffer):
    """The two branches with the beacon's map of them built, as their commit would build it."""
    served.rebuild_served_map()
    return world
