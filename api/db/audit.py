"""The audit log: who viewed, edited, decided, confirmed or exported what, and when.

Rows are only ever added (database triggers refuse UPDATE and DELETE). Details name
things (section keys, factor codes, versions), never the note's text."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from api.db.models import AuditEvent, User
from api.db.types import utcnow

SYSTEM = "system"


def record_event(db: Session, actor: User | None, action: str, object_type: str,
                 object_id: int | None, **detail) -> None:
    """Add one event in the caller's transaction, so it commits (or not) with the change."""
    db.execute(_INSERT, [{"at": utcnow(), "actor_id": actor.id if actor else None,
                          "actor": actor.username if actor else SYSTEM, "action": action,
                          "object_type": object_type, "object_id": object_id, "detail": detail}])


_INSERT = insert(AuditEvent)  # built once: every request writes one or more events


def record_refusal(db: Session, actor: User | None, *, method: str, path: str, status: int, reason: str) -> None:
    """A refused access (someone else's object, not theirs to do, a CSRF refusal), in its
    own transaction: the request's own was rolled back."""
    record_event(db, actor, "refused", "request", None, method=method, path=path[:200], status=status,
                 reason=reason)
    db.commit()


class AuditEventOut(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: int | None
    detail: dict


def list_events(db: Session, *, object_type: str | None = None, object_id: int | None = None,
                action: str | None = None, limit: int = 200, before_id: int | None = None) -> list[AuditEventOut]:
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return [AuditEventOut(id=e.id, at=e.at.isoformat(), actor=e.actor, action=e.action,
                          object_type=e.object_type, object_id=e.object_id, detail=e.detail or {})
            for e in db.scalars(query)]
