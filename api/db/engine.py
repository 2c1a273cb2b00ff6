"""The database engine: SQLite (WAL) in ``data_dir`` by default, PostgreSQL when
``CASENOTE_DATABASE_URL`` names one."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from api.db.sqlite import READ_ONLY_OPTION, configure_sqlite
from api.db.text_cipher import TextCipher, load_keyring
from models.settings import Settings


DATABASE_FILE = "casenote.db"


def database_url(settings: Settings) -> str:
    url = settings.sqlalchemy_url
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        # psycopg 3 is the driver installed; the bare scheme would ask for psycopg2.
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_engine(settings: Settings, cipher: TextCipher | None = None) -> Engine:
    """The engine, with the text cipher its encrypted columns use (``cipher``, else the
    keyring of ``settings``)."""
    url = database_url(settings)
    if url.startswith("sqlite"):
        create_private(settings.data_dir / DATABASE_FILE)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               pool_size=20, max_overflow=40)
        configure_sqlite(engine, settings)
    else:
        engine = create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine.dialect.text_cipher = cipher or TextCipher(load_keyring(settings))
    return engine


def create_private(database: Path) -> None:
    """The data folder (0700) and an empty database file (0600), made owner-only before
    SQLite creates them with the umask's modes; SQLite gives its -wal and -shm files the
    database file's mode."""
    database.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, 0o600))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read (who is signed in): on SQLite they never wait for,
    or hold, the write lock."""
    return sessionmaker(engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False)
