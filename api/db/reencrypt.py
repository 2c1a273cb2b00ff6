"""Re-encrypt every encrypted text with the keyring's current key: the migration that
first encrypts the rows stored in plain, and every key rotation, use this one path.

The signed notes are append-only (a trigger refuses UPDATE). Their ciphertext is still
rewritten, so that no value stays under a retired key (a rotation after a key leaked
must leave nothing readable with the leaked key). It happens only here, in one
transaction: the UPDATE trigger is lifted, each note's new ciphertext is checked to
decrypt to exactly the bytes that were signed (so its SHA-256 still holds), and the
trigger is put back before the commit. If anything fails, the transaction rolls back
with the trigger in place; nothing else can ever run while it is lifted."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from api.db.text_cipher import TextCipher

logger = logging.getLogger(__name__)

# (table, column, purpose bound into each value)
ENCRYPTED_COLUMNS = (
    ("recordings", "names", "recordings.names"),
    ("recordings", "child_references", "recordings.child_references"),
    ("drafts", "note_json", "drafts.note_json"),
    ("drafts", "state_json", "drafts.state_json"),
    ("draft_versions", "state_json", "draft_versions.state_json"),
    ("confirmed_notes", "content_json", "confirmed_notes.content_json"),
)
APPEND_ONLY = {"confirmed_notes"}
BATCH = 500


def reencrypt_all(connection: Connection, cipher: TextCipher,
                  columns: tuple[tuple[str, str, str], ...] = ENCRYPTED_COLUMNS) -> dict[str, int]:
    """Every value not yet under the current key, re-encrypted with it (plain ones
    encrypted), in the caller's transaction. Returns how many values per column. A
    migration passes the columns that exist at its revision."""
    counts = {}
    for table, column, purpose in columns:
        with _updatable(connection, table):
            counts[f"{table}.{column}"] = _reencrypt_column(connection, cipher, table, column, purpose)
    return counts


def _reencrypt_column(connection: Connection, cipher: TextCipher, table: str, column: str, purpose: str) -> int:
    current = cipher.keyring.current_id
    done, last_id = 0, 0
    while True:
        rows = connection.execute(text(f"SELECT id, {column} FROM {table} WHERE id > :last ORDER BY id LIMIT :n"),
                                  {"last": last_id, "n": BATCH}).all()
        if not rows:
            return done
        for row_id, stored in rows:
            last_id = row_id
            if stored is None or cipher.key_id_of(stored) == current:
                continue
            plain = cipher.decrypt(stored, purpose)
            sealed = cipher.encrypt(plain, purpose)
            if cipher.decrypt(sealed, purpose) != plain:  # the signed bytes must come back exactly
                raise RuntimeError(f"{table}.{column} row {row_id}: re-encryption does not read back; nothing changed")
            connection.execute(text(f"UPDATE {table} SET {column} = :value WHERE id = :id"),
                               {"value": sealed, "id": row_id})
            done += 1


@contextmanager
def _updatable(connection: Connection, table: str) -> Iterator[None]:
    """For an append-only table, its UPDATE trigger lifted inside this transaction only."""
    if table not in APPEND_ONLY:
        yield
        return
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"DROP TRIGGER {table}_no_update")
        yield
        connection.exec_driver_sql(f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
                                   f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        yield
        connection.exec_driver_sql(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
