"""Browser sessions: a signed, HttpOnly cookie naming a session row, and a CSRF
token per session that state-changing requests must send back."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from starlette.responses import Response

from api.db.models import User, WebSession
from api.db.types import utcnow
from models.settings import Settings

COOKIE_NAME = "casenote_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"


def _serializer(secret: bytes) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="casenote-session")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Session, user: User, settings: Settings, secret: bytes) -> tuple[str, WebSession]:
    """Create a session; returns the cookie value and the row (with its CSRF token)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = WebSession(token_hash=_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
                     created_at=now, expires_at=now + timedelta(seconds=settings.session_max_age_s))
    db.add(row)
    # Old expired sessions of this user go at the same time (no separate clean-up job).
    db.execute(delete(WebSession).where(WebSession.user_id == user.id, WebSession.expires_at < now))
    db.flush()
    return _serializer(secret).dumps(token), row


def session_for_cookie(db: Session, cookie: str, secret: bytes) -> WebSession | None:
    try:
        token = _serializer(secret).loads(cookie)
    except BadSignature:
        return None
    if not isinstance(token, str):
        return None
    row = db.scalar(select(WebSession).where(WebSession.token_hash == _hash(token)))
    if row is None or row.expires_at < utcnow() or not row.user.active:
        return None
    return row


def end_session(db: Session, row: WebSession) -> None:
    db.execute(delete(WebSession).where(WebSession.id == row.id))


def csrf_matches(row: WebSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(row.csrf_token, sent)


def set_session_cookie(response: Response, value: str, settings: Settings) -> None:
    response.set_cookie(COOKIE_NAME, value, max_age=settings.session_max_age_s, httponly=True,
                        samesite="lax", secure=settings.cookie_secure, path="/")


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
