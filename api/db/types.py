"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import DateTime, Text
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Always timezone-aware UTC in Python. SQLite keeps no zone, so it is stored
    as naive UTC there and made aware again on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _cipher(dialect):
    cipher = getattr(dialect, "text_cipher", None)
    if cipher is None:  # every engine comes from api.db.engine.make_engine, which sets it
        raise RuntimeError("this engine has no text cipher: make it with api.db.engine.make_engine")
    return cipher


class EncryptedText(TypeDecorator):
    """Text encrypted at rest (``api/db/text_cipher.py``); ``purpose`` (table.column) is
    bound into each value, so it decrypts only where it was written."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: str | None, dialect):
        return None if value is None else _cipher(dialect).encrypt(value, self.purpose)

    def process_result_value(self, value: str | None, dialect):
        return None if value is None else _cipher(dialect).decrypt(value, self.purpose)


class EncryptedJSON(EncryptedText):
    """A JSON value (e.g. a list of people's names), encrypted as its JSON text."""

    def process_bind_param(self, value, dialect):
        return None if value is None else super().process_bind_param(json.dumps(value, ensure_ascii=False), dialect)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(super().process_result_value(value, dialect))
