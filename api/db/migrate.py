"""Run the Alembic migrations from code: the configuration lives here rather than in
an alembic.ini, so an installed package migrates its database at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The job engine's own tables, types and functions (PostgreSQL only): made by a migration
# of ours from the engine's schema file, never compared with casenote's models.
ENGINE_PREFIX = "procrastinate_"
# The last of procrastinate's own migration files that our migrations have applied (the
# 3.10.0 schema is the state after it). A newer procrastinate needs a revision that applies
# the package's migration files after this one.
PROCRASTINATE_MIGRATED_TO = "03.04.00_50_post_add_retry_failed_job_procedure"


def is_casenote_object(name: str | None, type_: str, _parent_names=None) -> bool:
    """Alembic's ``include_name`` filter: casenote's schema objects, not the engine's."""
    return not (type_ == "table" and name is not None and name.startswith(ENGINE_PREFIX))


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
