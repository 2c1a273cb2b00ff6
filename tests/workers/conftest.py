from __future__ import annotations

import pytest

from tests.api.pg import PostgresCluster


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()
