"""Alembic environment: the engine is handed over by ``api.db.migrate``."""

from __future__ import annotations

from alembic import context

from api.db.migrate import is_casenote_object
from api.db.models import Base

config = context.config


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from api.db.engine import make_engine
        from models.settings import get_settings

        engine = make_engine(get_settings())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename); with foreign keys enforced,
            # dropping a table that others refer to fails. SQLite's own recipe for schema
            # changes: keys off outside the transaction, checked before the commit, on again.
            # (The driver is in autocommit mode, so this PRAGMA runs outside any transaction.)
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=sqlite,
                              include_name=is_casenote_object)
            with context.begin_transaction():
                if connection.dialect.name == "postgresql":
                    # Processes starting together on several machines: one migrates, the
                    # others wait here, then find the schema at its head.
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(1668180343)")
                context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration broke {len(broken)} foreign key(s): {broken[:5]}")
            connection.commit()
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")


if context.is_offline_mode():
    raise SystemExit("casenote migrates online only")
run_migrations_online()
