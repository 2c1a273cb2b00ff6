"""Who may see and change what. A worker: their own; a manager: their team's; an
admin: everything (to see, not to edit). Lookups outside that scope answer 404,
exactly as for an id that does not exist, so ids leak nothing."""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import Session

from api.db.models import User
from models.errors import NotFound

Owned = TypeVar("Owned")  # a model with ``id``, ``owner_id`` and ``team`` columns


def visible_to(user: User, owner_column, team_column) -> ColumnElement[bool]:
    if user.role == "admin":
        return true()
    if user.role == "manager" and user.team:
        return or_(owner_column == user.id, team_column == user.team)
    return owner_column == user.id


def can_see(user: User, owner_id: int, team: str | None) -> bool:
    """The same rule as ``visible_to``, for a row already read."""
    if user.role == "admin" or user.id == owner_id:
        return True
    return user.role == "manager" and user.team is not None and user.team == team


def may_edit(user: User, owner_id: int, team: str | None) -> bool:
    """The worker who made the recording, or the manager of their team, edits and signs."""
    if user.id == owner_id:
        return True
    return user.role == "manager" and user.team is not None and user.team == team


def find_visible(db: Session, user: User, model: type[Owned], row_id: int, what: str) -> Owned:
    """The row ``row_id`` of ``model`` if ``user`` may see it; otherwise 404 naming ``what``,
    the same answer as for an id that does not exist."""
    row = db.scalar(select(model).where(model.id == row_id, visible_to(user, model.owner_id, model.team)))
    if row is None:
        raise NotFound(what)
    return row
