"""The delivery outbox: one row per confirmed note and connector.

Rows are added in the same transaction as the confirmation (``enqueue_deliveries``),
so a note is never confirmed without its deliveries being recorded, and a crash or
an unreachable case system loses nothing: the worker picks the rows up again."""

from __future__ import annotations

import weakref
from datetime import datetime
from typing import Callable, Literal

from pydantic import BaseModel, Field
from sqlalchemy import JSON, Engine, ForeignKey, Index, Integer, String, Text, UniqueConstraint, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from api.db.models import Base, ConfirmedNoteRow
from api.db.types import UTCDateTime, utcnow
from api.delivery.config import load_connectors
from models.record import ConfirmedNote
from models.settings import Settings, get_settings


PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class Delivery(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("note_id", "connector", name="uq_deliveries_note_id_connector"),
        Index("ix_deliveries_due", "connector", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("confirmed_notes.id"), index=True)
    connector: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default=PENDING)  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an attempt is in progress
    last_error: Mapped[str | None] = mapped_column(Text)  # short reason; never note text
    receipt: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# --- waking the workers once the confirming transaction has committed ---------------

_wakers: list[Callable[[], None]] = []
_ENQUEUED = "casenote_deliveries_enqueued"


def register_waker(wake: Callable[[], None]) -> None:
    _wakers.append(wake)


def unregister_waker(wake: Callable[[], None]) -> None:
    if wake in _wakers:
        _wakers.remove(wake)


@event.listens_for(Session, "after_commit")
def _wake_after_commit(session: Session) -> None:
    if session.info.pop(_ENQUEUED, False):
        for wake in list(_wakers):
            wake()


_settings_by_engine: "weakref.WeakKeyDictionary[Engine, Settings]" = weakref.WeakKeyDictionary()


def bind_settings(engine: Engine, settings: Settings) -> None:
    """The service's settings for sessions on this engine (the confirm code has no settings)."""
    _settings_by_engine[engine] = settings


def settings_for(session: Session) -> Settings:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    return _settings_by_engine.get(engine) or get_settings()


def enqueue_deliveries(session: Session, note: ConfirmedNoteRow | int,
                       settings: Settings | None = None) -> list[Delivery]:
    """Add a pending delivery per configured connector, in the caller's transaction."""
    connectors = load_connectors(settings or settings_for(session))
    if not connectors:
        return []
    if isinstance(note, ConfirmedNoteRow):
        if note.id is None:
            session.flush()  # the row needs its id; still the caller's transaction
        note_id = note.id
    else:
        note_id = note
    now = utcnow()
    rows = [Delivery(note_id=note_id, connector=c.name, status=PENDING, attempts=0, next_attempt_at=now,
                     receipt={}, created_at=now, updated_at=now) for c in connectors]
    session.add_all(rows)
    session.info[_ENQUEUED] = True
    return rows


def load_note(session: Session, note_id: int) -> ConfirmedNote | None:
    from api.services.notes import note_from_row  # here: notes.py imports this module

    row = session.get(ConfirmedNoteRow, note_id)
    return note_from_row(row) if row is not None else None


# --- what the API shows --------------------------------------------------------------


class DeliveryStatus(BaseModel):
    id: int
    note_id: int
    connector: str
    kind: str | None = Field(description="drop_folder or http; null if the connector is no longer configured")
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    max_attempts: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When the next try is due (pending only)")
    delivered_at: datetime | None
    updated_at: datetime
    can_retry: bool = Field(description="True when a person may ask for another try now")


def delivery_status(row: Delivery, settings: Settings) -> DeliveryStatus:
    connector = next((c for c in load_connectors(settings) if c.name == row.connector), None)
    return DeliveryStatus(
        id=row.id, note_id=row.note_id, connector=row.connector,
        kind=connector.kind if connector else None, status=row.status, attempts=row.attempts,
        max_attempts=connector.max_attempts if connector else None, last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        delivered_at=row.delivered_at, updated_at=row.updated_at,
        can_retry=connector is not None and row.status == FAILED,
    )


def deliveries_for(session: Session, note_id: int, settings: Settings) -> list[DeliveryStatus]:
    rows = session.scalars(select(Delivery).where(Delivery.note_id == note_id).order_by(Delivery.id))
    return [delivery_status(r, settings) for r in rows]


def delivery_summary(session: Session, note_ids: list[int]) -> dict[int, dict[str, str]]:
    """note id -> {connector: status}, for a list of drafts/notes in one query."""
    summary: dict[int, dict[str, str]] = {}
    if not note_ids:
        return summary
    for row in session.execute(select(Delivery.note_id, Delivery.connector, Delivery.status)
                               .where(Delivery.note_id.in_(note_ids))):
        summary.setdefault(row.note_id, {})[row.connector] = row.status
    return summary


def retry_delivery(session: Session, row: Delivery) -> None:
    """A person asks for another round of attempts (after fixing what made it fail)."""
    now = utcnow()
    row.status, row.attempts, row.next_attempt_at, row.locked_until, row.updated_at = PENDING, 0, now, None, now
    session.info[_ENQUEUED] = True
