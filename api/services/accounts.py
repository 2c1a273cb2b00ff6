"""An account's life after it is made: disabled and enabled again, its sign-ins and
bearer tokens ended at once, its tokens listed and revoked one by one.

A disabled account cannot sign in, and its sessions and tokens stop working at the
next request: the sessions are deleted and the tokens revoked (enabling it again
brings neither back, so a leaver's old token stays dead). A password change ends
every other session and token of that person."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import ApiToken, User, WebSession
from api.db.types import utcnow
from models.errors import Conflict, NotFound
from models.settings import Settings

logger = logging.getLogger(__name__)


class TokenOut(BaseModel):
    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    status: str  # active, expired or revoked


class AccessEnded(BaseModel):
    sessions: int
    tokens: int


def end_access(db: Session, user: User, *, keep_session_id: int | None = None,
               keep_token_id: int | None = None) -> AccessEnded:
    """Sign the user out everywhere (but the session or token named to keep) and revoke
    their tokens, in the caller's transaction."""
    sessions = delete(WebSession).where(WebSession.user_id == user.id)
    if keep_session_id is not None:
        sessions = sessions.where(WebSession.id != keep_session_id)
    tokens = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if keep_token_id is not None:
        tokens = tokens.where(ApiToken.id != keep_token_id)
    ended = AccessEnded(sessions=db.execute(sessions).rowcount,
                        tokens=db.execute(tokens.values(revoked_at=utcnow())).rowcount)
    return ended


def set_active(db: Session, actor: User | None, user: User, active: bool, **audit_detail) -> AccessEnded:
    """Disable (ending every session and token at once) or enable an account. The last
    active admin cannot be disabled: nobody could manage accounts any more."""
    ended = AccessEnded(sessions=0, tokens=0)
    if not active:
        if actor is not None and actor.id == user.id:
            raise Conflict("you cannot disable your own account; ask another admin")
        if user.role == "admin" and user.active and _active_admins(db) <= 1:
            raise Conflict(f"'{user.username}' is the last active admin; add or enable another admin first")
        ended = end_access(db, user)
    if user.active != active:
        user.active = active
        record_event(db, actor, "enable_user" if active else "disable_user", "user", user.id,
                     username=user.username, sessions_ended=ended.sessions, tokens_revoked=ended.tokens,
                     **audit_detail)
    return ended


def _active_admins(db: Session) -> int:
    return db.scalar(select(func.count(User.id)).where(User.role == "admin", User.active.is_(True))) or 0


def list_tokens(db: Session, user: User, settings: Settings) -> list[TokenOut]:
    now = utcnow()
    life = timedelta(days=settings.token_max_age_days)
    rows = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    return [TokenOut(id=row.id, name=row.name, created_at=row.created_at, expires_at=row.created_at + life,
                     revoked_at=row.revoked_at,
                     status="revoked" if row.revoked_at else "expired" if row.created_at + life <= now else "active")
            for row in rows]


def revoke_token(db: Session, actor: User | None, user: User, token_id: int, **audit_detail) -> None:
    """Revoke one of ``user``'s tokens (404 for a token that is not theirs)."""
    row = db.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound("token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_event(db, actor, "revoke_token", "user", user.id, token_id=row.id, name=row.name, **audit_detail)
