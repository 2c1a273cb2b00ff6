"""The delivery worker: one background thread per connector, so a slow or
unreachable case system never holds up the others.

Each due outbox row is claimed (a short lease, set by a conditional UPDATE, so two
processes never try the same row at once), tried once, and given its outcome:
delivered; pending again after an exponential backoff; or, after the connector's
``max_attempts`` (or an error that retrying cannot fix), failed until a person
asks for a retry. On start the worker releases leases left by a process that died
mid-attempt; the receiver's idempotency key (HTTP) or the manifest (drop folder)
makes that repeated attempt harmless."""

from __future__ import annotations

import logging
import threading
import traceback
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from api.db.audit import record_event
from api.db.models import Delivery
from api.db.types import utcnow
from api.delivery.attempt import attempt_delivery
from api.delivery.config import DropFolderConnector, HttpConnector
from api.delivery.outbox import DELIVERED, FAILED, PENDING, load_note
from api.delivery.outcome import AttemptOutcome
from models.settings import Settings

logger = logging.getLogger(__name__)

BATCH = 20


def log_error(what: str, exc: BaseException) -> None:
    # The type and the frames, not the message: a message can quote note text.
    logger.error("%s: %s\n%s", what, type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))


class DeliveryWorker(threading.Thread):
    def __init__(self, session_factory: sessionmaker[Session], settings: Settings,
                 connector: DropFolderConnector | HttpConnector) -> None:
        super().__init__(name=f"casenote-delivery-{connector.name}", daemon=True)
        self.session_factory = session_factory
        self.settings = settings
        self.connector = connector
        self._wake_event = threading.Event()
        self._stopping = threading.Event()

    @property
    def lease(self) -> timedelta:
        timeout = self.connector.timeout_s if isinstance(self.connector, HttpConnector) else 60.0
        return timedelta(seconds=timeout + 60.0)

    def wake(self) -> None:
        self._wake_event.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake_event.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        try:
            self.release_stale_leases()
        except Exception as exc:
            log_error(f"delivery worker {self.connector.name} could not release leases", exc)
        while not self._stopping.is_set():
            try:
                busy = self.run_due()
            except Exception as exc:  # the database may be briefly unavailable: keep the thread alive
                log_error(f"delivery worker {self.connector.name}", exc)
                busy = False
            if not busy:
                self._wake_event.wait(self.settings.delivery_poll_s)
                self._wake_event.clear()

    def release_stale_leases(self) -> None:
        with self.session_factory() as db, db.begin():
            db.execute(update(Delivery)
                       .where(Delivery.connector == self.connector.name, Delivery.status == PENDING,
                              Delivery.locked_until.is_not(None))
                       .values(locked_until=None))

    def run_due(self) -> bool:
        """Try every due row once; True if there were any."""
        now = utcnow()
        with self.session_factory() as db:
            due = list(db.scalars(
                select(Delivery.id)
                .where(Delivery.connector == self.connector.name, Delivery.status == PENDING,
                       Delivery.next_attempt_at <= now,
                       or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
                .order_by(Delivery.next_attempt_at, Delivery.id).limit(BATCH)))
        for delivery_id in due:
            if self._stopping.is_set():
                break
            if self.claim(delivery_id):
                self.attempt(delivery_id)
        return bool(due)

    def claim(self, delivery_id: int) -> bool:
        now = utcnow()
        with self.session_factory() as db, db.begin():
            claimed = db.execute(
                update(Delivery)
                .where(Delivery.id == delivery_id, Delivery.status == PENDING,
                       or_(Delivery.locked_until.is_(None), Delivery.locked_until < now))
                .values(locked_until=now + self.lease)
            ).rowcount
        return claimed == 1

    def attempt(self, delivery_id: int) -> None:
        with self.session_factory() as db:
            row = db.get(Delivery, delivery_id)
            note = load_note(db, row.note_id)
        if note is None:
            outcome = AttemptOutcome(delivered=False, retryable=False, detail="the confirmed note is missing")
        else:
            try:
                outcome = attempt_delivery(note, self.connector, self.settings)
            except Exception as exc:  # a bug or an unexpected I/O error: record it, try again later
                log_error(f"delivery of note {row.note_id} to {self.connector.name}", exc)
                outcome = AttemptOutcome(delivered=False, detail=f"internal error ({exc.__class__.__name__})")
        self.record(delivery_id, outcome)

    def record(self, delivery_id: int, outcome: AttemptOutcome) -> None:
        now = utcnow()
        with self.session_factory() as db, db.begin():
            row = db.get(Delivery, delivery_id)
            row.attempts += 1
            row.locked_until = None
            row.updated_at = now
            row.receipt = outcome.receipt
            if outcome.delivered:
                row.status, row.delivered_at, row.next_attempt_at, row.last_error = DELIVERED, now, None, None
            elif outcome.retryable and row.attempts < self.connector.max_attempts:
                delay = self.connector.delay_after(row.attempts, outcome.retry_after_s)
                row.next_attempt_at = now + timedelta(seconds=delay)
                row.last_error = outcome.detail
            else:
                row.status, row.next_attempt_at, row.last_error = FAILED, None, outcome.detail
            if row.status != PENDING:
                record_event(db, None, f"delivery_{row.status}", "confirmed_note", row.note_id,
                             connector=row.connector, attempts=row.attempts, delivery_id=row.id)
            status, attempts = row.status, row.attempts
        logger.log(logging.WARNING if status == FAILED else logging.INFO,
                   "delivery %s (note %s) to %s: %s after %d attempt(s)%s", delivery_id, row.note_id,
                   self.connector.name, status, attempts, f" ({outcome.detail})" if not outcome.delivered else "")

