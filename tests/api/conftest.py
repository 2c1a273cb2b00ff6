from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from models.settings import Settings
from tests.api.helpers import live_server
from tests.api.pg import GIVEN_KEYS, PostgresCluster


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster().start()
    yield cluster
    cluster.stop()


def make_settings(data_dir: Path, database_url: str = "", **overrides) -> Settings:
    keys = GIVEN_KEYS if database_url else {}
    return Settings(data_dir=data_dir, database_url=database_url, asr_cpu_threads=0, **{**keys, **overrides})


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_settings(request, tmp_path) -> Settings:
    """Settings for a fresh database of each kind."""
    url = ""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres").create_database(f"t_{uuid.uuid4().hex[:12]}")
    return make_settings(tmp_path / "data", url)


@pytest.fixture
def server(db_settings):
    """A live server without the background threads (storage-level tests)."""
    with live_server(db_settings, background=False) as (url, app):
        yield url, app
