"""Delivery status of a confirmed note per connector, and the retry action."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from sqlalchemy import select

from api.db.audit import record_event
from api.db.models import Delivery
from api.delivery.config import connector_named
from api.delivery.outbox import DELIVERED, FAILED, DeliveryStatus, deliveries_for, delivery_status, retry_delivery
from api.deps import ContextDep, CurrentUser, SessionDep, SettingsDep
from api.services.notes import find_note
from models.errors import AlreadyDelivered, ConnectorGone, NotFound

logger = logging.getLogger(__name__)

router = APIRouter(tags=["deliveries"])


@router.get("/api/notes/{note_id}/deliveries")
def note_deliveries(note_id: int, db: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[DeliveryStatus]:
    """Where this note has gone: one entry per configured connector."""
    find_note(db, user, note_id)
    return deliveries_for(db, note_id, settings)


@router.post("/api/notes/{note_id}/deliveries/{delivery_id}/retry")
def retry_note_delivery(note_id: int, delivery_id: int, db: SessionDep, user: CurrentUser,
                        ctx: ContextDep) -> DeliveryStatus:
    """Try a failed (or waiting) delivery again now, with a fresh round of attempts."""
    find_note(db, user, note_id)
    row = db.scalar(select(Delivery).where(Delivery.id == delivery_id, Delivery.note_id == note_id))
    if row is None:
        raise NotFound("delivery")
    if row.status == DELIVERED:
        raise AlreadyDelivered("this delivery has already succeeded")
    if connector_named(row.connector, ctx.settings) is None:
        raise ConnectorGone(f"connector {row.connector} is no longer configured")
    was = row.status
    retry_delivery(db, row)
    record_event(db, user, "delivery_retry", "note", note_id, delivery_id=row.id, connector=row.connector,
                 was=was)
    db.commit()
    ctx.wake_background()
    logger.info("delivery %s of note %s to %s: retry asked (was %s)", row.id, note_id, row.connector,
                "failed" if was == FAILED else was)
    return delivery_status(row, ctx.settings)
