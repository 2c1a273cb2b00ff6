"""One delivery attempt from claim to outcome, the same for the in-process delivery
threads (SQLite) and the job engine's delivery jobs (PostgreSQL).

- **Claim**: a conditional UPDATE gives the row a fresh ``claim_token`` and a claim until
  ``now + connector.claim_s`` (the attempt's deadline plus a margin), and counts the
  attempt there and then: an attempt cut off by SIGKILL has been counted. Nobody else
  can claim the row until the claim has run out, and nothing clears another's claim.
- **Outcome**: only the holder of the claim records a failure (the UPDATE names its
  token and a pending row), so a late reply can never set back a row that another
  attempt delivered or that a person retried. Success is a fact and is recorded even by
  an attempt that outlived its claim; a delivered row is never changed again.
- While the row stays pending, its next attempt is queued on the engine in the same
  transaction (``api.engine.schedule``; nothing to do on SQLite, whose threads poll)."""

from __future__ import annotations

import logging
import secrets
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.audit import record_event
from api.db.models import Delivery
from api.db.types import utcnow
from api.delivery.attempt import attempt_delivery
from api.delivery.config import DropFolderConnector, HttpConnector
from api.delivery.outbox import DELIVERED, FAILED, PENDING, load_note
from api.delivery.outcome import AttemptOutcome
from api.engine.schedule import schedule_delivery
from models.settings import Settings

logger = logging.getLogger(__name__)

Connector = DropFolderConnector | HttpConnector


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    note_id: int
    token: str
    attempt: int


@dataclass(frozen=True)
class NotNow:
    """The row cannot be attempted now: ``retry_at`` when it may be (None: never, it is
    no longer pending)."""

    retry_at: datetime | None


def log_error(what: str, exc: BaseException) -> None:
    # The type and the frames, not the message: a message can quote note text.
    logger.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))


def claim(session_factory: sessionmaker[Session], delivery_id: int, connector: Connector) -> Claim | NotNow:
    now = utcnow()
    token = secrets.token_hex(16)
    with session_factory() as db, db.begin():
        claimed = db.execute(
            update(Delivery)
            .where(Delivery.id == delivery_id, Delivery.status == PENDING, Delivery.next_attempt_at <= now,
                   or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
            .values(locked_until=now + timedelta(seconds=connector.claim_s), claim_token=token,
                    attempts=Delivery.attempts + 1, updated_at=now)
        ).rowcount
        row = db.get(Delivery, delivery_id)
        if claimed == 1:
            return Claim(delivery_id=delivery_id, note_id=row.note_id, token=token, attempt=row.attempts)
        if row is None or row.status != PENDING:
            return NotNow(retry_at=None)
        return NotNow(retry_at=max(t for t in (row.next_attempt_at, row.locked_until, now) if t is not None))


def attempt(session_factory: sessionmaker[Session], held: Claim, connector: Connector,
            settings: Settings) -> AttemptOutcome:
    with session_factory() as db:
        note = load_note(db, held.note_id)
    if note is None:
        return AttemptOutcome(delivered=False, retryable=False, detail="the confirmed note is missing")
    try:
        return attempt_delivery(note, connector, settings)
    except Exception as exc:  # a bug or an unexpected I/O error: record it, try again later
        log_error(f"delivery of note {held.note_id} to {connector.name}", exc)
        return AttemptOutcome(delivered=False, detail=f"internal error ({exc.__class__.__name__})")


def record(session_factory: sessionmaker[Session], held: Claim, outcome: AttemptOutcome,
           connector: Connector) -> str | None:
    """Write the outcome; the row's status after it, or None when this attempt no longer
    held the row and its failure was dropped."""
    now = utcnow()
    with session_factory() as db, db.begin():
        row = db.scalar(select(Delivery).where(Delivery.id == held.delivery_id).with_for_update())
        if outcome.delivered:
            if row.status == DELIVERED:
                return DELIVERED  # another attempt's success was recorded first
            row.status, row.delivered_at, row.next_attempt_at, row.last_error = DELIVERED, now, None, None
        elif row.status != PENDING or row.claim_token != held.token:
            logger.warning("delivery %s (note %s) to %s: attempt %d ended (%s) after its claim was gone; "
                           "its outcome is dropped", row.id, row.note_id, connector.name, held.attempt,
                           outcome.detail)
            return None
        else:
            delay = connector.delay_after(row.attempts, outcome.retry_after_s)
            round_age = (now - (row.round_started_at or row.created_at)).total_seconds()
            if outcome.retryable and not connector.gives_up(row.attempts, round_age, delay):
                row.next_attempt_at = now + timedelta(seconds=delay)
                row.last_error = outcome.detail
            else:
                row.status, row.next_attempt_at, row.last_error = FAILED, None, outcome.detail
        row.locked_until = row.claim_token = None
        row.updated_at = now
        row.receipt = outcome.receipt
        if row.status == PENDING:
            schedule_delivery(db, row.note_id, row.connector, row.next_attempt_at)
        else:
            record_event(db, None, f"delivery_{row.status}", "confirmed_note", row.note_id,
                         connector=row.connector, attempts=row.attempts, delivery_id=row.id)
        status, attempts, note_id = row.status, row.attempts, row.note_id
    logger.log(logging.WARNING if status == FAILED else logging.INFO,
               "delivery %s (note %s) to %s: %s after %d attempt(s)%s", held.delivery_id, note_id,
               connector.name, status, attempts, f" ({outcome.detail})" if not outcome.delivered else "")
    return status


def deliver_once(session_factory: sessionmaker[Session], delivery_id: int, connector: Connector,
                 settings: Settings) -> NotNow | str | None:
    """Claim, attempt and record one delivery: its status after, or ``NotNow``."""
    held = claim(session_factory, delivery_id, connector)
    if isinstance(held, NotNow):
        return held
    logger.info("delivery %s (note %s) to %s: attempt %d", delivery_id, held.note_id, connector.name, held.attempt)
    return record(session_factory, held, attempt(session_factory, held, connector, settings), connector)
