import pytest

from tests.treatments.read_helpers import build_group, flush_reads_redis
from treatments.reads import served


@pytest.fixture
def read_buffer():
    """An empty read buffer before and after the test: Redis outlives test transactions."""
    flush_reads_redis()
    yield
    flush_reads_redis()


@pytest.fixture
def group(library, make_branch, offer):
    """Two branches offering one library article, with the beacon's map of them built."""
    built = build_group(library, make_branch, offer)
    served.rebuild_served_map()
    return built
