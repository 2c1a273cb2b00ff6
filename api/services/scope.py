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
    """The rule as a WHERE clause over a table's owner and team columns."""
    return _sees(user, owner_column, team_column, either=or_, everything=true())


def can_see(user: User, owner_id: int, team: str | None) -> bool:
    """The same rule for a row already read."""
    return _sees(user, owner_id, team, either=lambda mine, teams: mine or teams, everything=True)


def _sees(user: User, owner, team, *, either, everything):
    """Who sees a row, stated once: ``owner``/``team`` are columns (giving SQL) or a row's
    values (giving a bool); ``either`` and ``everything`` are OR and TRUE in that language."""
    if user.role == "admin":
        return everything
    mine = owner == user.id
    if user.role == "manager" and user.team:
        return either(mine, team == user.team)
    return mine


def editable_by(user: User, owner_column, team_column) -> ColumnElement[bool]:
    """``may_edit`` as a WHERE clause over a table's owner and team columns."""
    if user.role == "manager" and user.team:
        return or_(owner_column == user.id, team_column == user.team)
    return owner_column == user.id


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
