"""The database engine: SQLite (WAL) in ``data_dir`` by default, PostgreSQL when
``CASENOTE_DATABASE_URL`` names one."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from api.db.sqlite import READ_ONLY_OPTION, configure_sqlite
from models.settings import Settings


def database_url(settings: Settings) -> str:
    url = settings.sqlalchemy_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver installed; the bare scheme would ask for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(settings: Settings) -> Engine:
    url = database_url(settings)
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=40)
        configure_sqlite(engine, settings)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read (who is signed in): on SQLite they never wait for,
    or hold, the write lock."""
    return sessionmaker(engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False)
