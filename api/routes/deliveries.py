"""Delivery status of a confirmed note per connector, the retry action, and the bulk
retry of a connector (after a case system's outage or a fixed credential)."""

from __future__ import annotations

import logging

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Delivery
from api.delivery.config import NAME_PATTERN, connector_named
from api.delivery.outbox import (DELIVERED, FAILED, DeliveryStatus, deliveries_for, delivery_status, retry_connector,
                                 retry_delivery)
from api.deps import CaseWorker, ContextDep, CurrentUser, SessionDep, SettingsDep
from api.services.notes import find_note
from api.services.scope import editable_by, may_edit
from models.errors import AlreadyDelivered, ConnectorGone, NotEditable, NotFound

logger = logging.getLogger(__name__)

router = APIRouter(tags=["deliveries"])


@router.get("/api/notes/{note_id}/deliveries")
def note_deliveries(note_id: int, db: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[DeliveryStatus]:
    """Where this note has gone: one entry per configured connector."""
    find_note(db, user, note_id)
    return deliveries_for(db, note_id, settings)


@router.post("/api/notes/{note_id}/deliveries/{delivery_id}/retry")
def retry_note_delivery(note_id: int, delivery_id: int, db: SessionDep, user: CaseWorker,
                        ctx: ContextDep) -> DeliveryStatus:
    """Try a failed (or waiting) delivery again now, with a fresh round of attempts. The
    note's worker or their team's manager; an admin gets 403 (admins look only)."""
    note = find_note(db, user, note_id)
    if not may_edit(user, note.owner_id, note.team):
        raise NotEditable("only the note's worker, or their team's manager, can retry its delivery")
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


class BulkRetry(BaseModel):
    connector: str = Field(pattern=NAME_PATTERN, description="The connector whose deliveries start again")


class BulkRetried(BaseModel):
    connector: str
    retried: int = Field(description="Failed or waiting deliveries given a fresh round of attempts now")
    delivery_ids: list[int]


@router.post("/api/deliveries/retry")
def retry_connector_deliveries(body: BulkRetry, db: SessionDep, user: CaseWorker, ctx: ContextDep) -> BulkRetried:
    """Every failed or waiting delivery of one connector, of the notes you may act on
    (your own; a manager's team's), tried again now. Deliveries being attempted right
    now are left to finish. Admins look only (403); operators retry all of a
    connector's with ``casenote deliveries retry --connector NAME``."""
    if connector_named(body.connector, ctx.settings) is None:
        raise ConnectorGone(f"connector {body.connector} is not configured")
    rows = retry_connector(db, body.connector, editable_by(user, ConfirmedNoteRow.owner_id, ConfirmedNoteRow.team))
    for row in rows:
        record_event(db, user, "delivery_retry", "note", row.note_id, delivery_id=row.id, connector=row.connector,
                     bulk=True)
    db.commit()
    ctx.wake_background()
    logger.info("bulk retry of %d delivery(ies) to %s", len(rows), body.connector)
    return BulkRetried(connector=body.connector, retried=len(rows), delivery_ids=[r.id for r in rows])
