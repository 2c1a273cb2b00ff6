"""The in-process delivery worker (SQLite, one machine): one background thread per
connector, so a slow or unreachable case system never holds up the others. (On
PostgreSQL deliveries are jobs of the engine: ``api/engine/tasks.py``.)

Each due outbox row is claimed, tried once and given its outcome by
``api.delivery.attempts``: delivered; pending again after a backoff; or failed until a
person asks for a retry. A row whose attempt was cut off (a kill) is tried again once
its claim has run out; the receiver's idempotency key (HTTP) or the manifest (drop
folder) makes that repeated attempt harmless."""

from __future__ import annotations

import threading

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import Delivery
from api.db.types import utcnow
from api.delivery.attempts import Connector, deliver_once, log_error
from api.delivery.outbox import PENDING
from models.settings import Settings

BATCH = 20


class DeliveryWorker(threading.Thread):
    def __init__(self, session_factory: sessionmaker[Session], settings: Settings, connector: Connector) -> None:
        super().__init__(name=f"casenote-delivery-{connector.name}", daemon=True)
        self.session_factory = session_factory
        self.settings = settings
        self.connector = connector
        self._wake_event = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake_event.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._wake_event.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.run_due()
            except Exception as exc:  # the database may be briefly unavailable: keep the thread alive
                log_error(f"delivery worker {self.connector.name}", exc)
                busy = False
            if not busy:
                self._wake_event.wait(self.settings.delivery_poll_s)
                self._wake_event.clear()

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
            deliver_once(self.session_factory, delivery_id, self.connector, self.settings)
        return bool(due)
