"""SQLite as a server database: WAL, one writer at a time queued fairly, and
durable commits that share their disk flushes.

- Writers of this process queue on a lock and are woken the moment it is free.
  Left to SQLite's busy handler they would sleep-poll with growing back-off, and
  under load some would starve for seconds. (Other processes, such as
  ``casenote users add``, still meet SQLite's busy timeout.)
- A write transaction takes the lock before ``BEGIN IMMEDIATE``: a deferred
  transaction that reads and then writes fails at once with SQLITE_BUSY under
  concurrency. Read-only sessions ``BEGIN`` deferred and read beside the writer.
- Durable commits (``sqlite_fsync_commits``): SQLite's synchronous=FULL would fsync
  while holding the write lock, so every writer would queue behind every other's
  disk flush. Instead the commit is written with synchronous=NORMAL, the lock is
  released, and the WAL file is fsync'd before the commit returns: concurrent
  commits share flushes (group commit), and nothing is acknowledged before it is
  on disk."""

from __future__ import annotations

import os
import threading

from sqlalchemy import Engine, event

from models.settings import Settings

READ_ONLY_OPTION = "casenote_read_only"
WRITE_LOCK_TIMEOUT_S = 30.0  # as SQLite's own busy timeout
_HOLDS_WRITE_LOCK = "casenote_holds_write_lock"


def configure_sqlite(engine: Engine, settings: Settings) -> None:
    write_lock = threading.Lock()
    wal_path = str(engine.url.database) + "-wal"
    fsync_commits = settings.sqlite_fsync_commits

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durability comes from the fsync after commit
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    def release(info: dict) -> None:
        if info.pop(_HOLDS_WRITE_LOCK, False):
            write_lock.release()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        if connection.get_execution_options().get(READ_ONLY_OPTION):
            connection.exec_driver_sql("BEGIN")
            return
        if not write_lock.acquire(timeout=WRITE_LOCK_TIMEOUT_S):
            raise TimeoutError(f"the database stayed busy for {WRITE_LOCK_TIMEOUT_S:.0f} s")
        connection.info[_HOLDS_WRITE_LOCK] = True
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            release(connection.info)
            raise

    # These events come before SQLAlchemy's own COMMIT/ROLLBACK; doing it here lets the
    # lock go only once the transaction has really ended. The driver's commit() after
    # it finds no open transaction and does nothing.
    def end_transaction(connection, statement: str) -> bool:
        """Run COMMIT or ROLLBACK on a connection holding the write lock, then release it.
        False when this connection did not hold the lock (nothing to do)."""
        if not connection.info.get(_HOLDS_WRITE_LOCK):
            return False
        dbapi_connection = connection.connection.dbapi_connection
        try:
            if dbapi_connection.in_transaction:
                dbapi_connection.execute(statement)
        finally:
            release(connection.info)
        return True

    @event.listens_for(engine, "commit")
    def on_commit(connection):
        if end_transaction(connection, "COMMIT") and fsync_commits:
            _fsync(wal_path)

    @event.listens_for(engine, "rollback")
    def on_rollback(connection):
        end_transaction(connection, "ROLLBACK")

    @event.listens_for(engine, "checkin")
    def on_checkin(_dbapi_connection, record):
        # A connection handed back mid-transaction (an error path) must not keep the lock;
        # the pool has rolled it back by now.
        release(record.info)


def _fsync(path: str) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # no WAL: everything is checkpointed into the database file, which SQLite synced
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
