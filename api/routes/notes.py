"""Confirmed notes (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.db.audit import record_event
from api.deps import CurrentUser, SessionDep
from api.services.notes import get_note, list_notes
from models.record import ConfirmedNote

router = APIRouter(prefix="/api/notes", tags=["notes"])


@router.get("")
def notes(db: SessionDep, user: CurrentUser, limit: Annotated[int, Query(ge=1, le=200)] = 50,
          offset: Annotated[int, Query(ge=0)] = 0) -> list[ConfirmedNote]:
    items = list_notes(db, user, limit=limit, offset=offset)
    record_event(db, user, "list", "note", None, count=len(items))
    db.commit()
    return items


@router.get("/{note_id}")
def note(note_id: int, db: SessionDep, user: CurrentUser) -> ConfirmedNote:
    """The signed record, with the SHA-256 of its canonical JSON content."""
    out = get_note(db, user, note_id)
    db.commit()
    return out
