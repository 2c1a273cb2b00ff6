"""The delivery outbox: one row per confirmed note and connector.

Rows are added in the same transaction as the confirmation (``enqueue_deliveries``),
so a note is never confirmed without its deliveries being recorded, and a crash or
an unreachable case system loses nothing: the worker picks the rows up again. On
PostgreSQL each row's engine job is queued in that same transaction; on SQLite whoever
commits new or retried rows wakes the in-process workers (``ServiceContext.wake_background``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.db.models import ConfirmedNoteRow, Delivery
from api.db.types import utcnow
from api.delivery.config import load_connectors
from api.engine.schedule import schedule_delivery
from models.record import ConfirmedNote
from models.settings import Settings


PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


def enqueue_deliveries(session: Session, note: ConfirmedNoteRow | int, settings: Settings) -> list[Delivery]:
    """Add a pending delivery per configured connector, in the caller's transaction."""
    connectors = load_connectors(settings)
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
                     receipt={}, created_at=now, round_started_at=now, updated_at=now) for c in connectors]
    session.add_all(rows)
    for connector in connectors:
        schedule_delivery(session, note_id, connector.name)
    return rows


def load_note(session: Session, note_id: int) -> ConfirmedNote | None:
    row = session.get(ConfirmedNoteRow, note_id)
    return row.to_note() if row is not None else None


# --- what the API shows --------------------------------------------------------------


class DeliveryStatus(BaseModel):
    id: int
    note_id: int
    connector: str
    kind: str | None = Field(description="drop_folder or http; null if the connector is no longer configured")
    status: Literal["pending", "delivered", "failed"]
    attempts: int = Field(description="Attempts made: finished, or cut off (their claim ran out)")
    attempt_in_progress: bool = Field(False, description="An attempt is being made right now")
    max_attempts: int | None
    last_error: str | None
    next_attempt_at: datetime | None = Field(description="When the next try is due (pending only)")
    delivered_at: datetime | None
    updated_at: datetime
    can_retry: bool = Field(description="True when a person may ask for another try now")


def delivery_status(row: Delivery, settings: Settings) -> DeliveryStatus:
    connector = next((c for c in load_connectors(settings) if c.name == row.connector), None)
    # An attempt is counted when it is claimed (so one cut off by a kill counts); while
    # its claim holds it is shown as in progress rather than as made.
    in_progress = row.claim_token is not None and row.locked_until is not None and row.locked_until > utcnow()
    return DeliveryStatus(
        id=row.id, note_id=row.note_id, connector=row.connector,
        kind=connector.kind if connector else None, status=row.status,
        attempts=row.attempts - (1 if in_progress else 0), attempt_in_progress=in_progress,
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
    """A person asks for another round of attempts now (after fixing what made it fail,
    or to skip the wait after a case system's maintenance). An attempt in progress keeps
    its claim (and finishes, or runs out) and the new round starts after it; a failure
    it records later is dropped, because the round it belonged to is over."""
    now = utcnow()
    row.status, row.attempts, row.updated_at, row.round_started_at = PENDING, 0, now, now
    row.next_attempt_at = now
    if row.locked_until is not None and row.locked_until <= now:
        row.locked_until = None
    row.claim_token = None
    schedule_delivery(session, row.note_id, row.connector, row.locked_until)


def retryable_deliveries(session: Session, connector: str, owner_rule=None) -> list[Delivery]:
    """The rows of ``connector`` a bulk retry starts again: failed, or waiting for their
    next attempt; not delivered, and not attempted right now. ``owner_rule`` limits them
    to the notes a person may act on (a WHERE clause over ``confirmed_notes``)."""
    now = utcnow()
    query = (select(Delivery).join(ConfirmedNoteRow, ConfirmedNoteRow.id == Delivery.note_id)
             .where(Delivery.connector == connector, Delivery.status.in_((FAILED, PENDING)),
                    or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
             .order_by(Delivery.id).with_for_update(of=Delivery))
    if owner_rule is not None:
        query = query.where(owner_rule)
    return list(session.scalars(query))


def retry_connector(session: Session, connector: str, owner_rule=None) -> list[Delivery]:
    """Bulk retry after a case system's outage or a fixed credential: a fresh round of
    attempts now for every failed or waiting delivery of ``connector`` (limited by
    ``owner_rule``), in the caller's transaction. The rows retried."""
    rows = retryable_deliveries(session, connector, owner_rule)
    for row in rows:
        retry_delivery(session, row)
    return rows
