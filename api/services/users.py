"""People and integrations: accounts (argon2 passwords), bearer tokens, the first-run admin.
Disabling accounts, ending sessions and listing or revoking tokens: ``accounts.py``."""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.db.models import ApiToken, User
from api.db.types import utcnow
from api.schemas import UserOut
from api.services.passwords import check_password
from models.errors import InvalidRequest

logger = logging.getLogger(__name__)

ROLES = ("worker", "manager", "admin")
TOKEN_PREFIX = "cn_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


def user_out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, role=user.role, team=user.team, active=user.active)


def check_new_user(username: str, password: str, role: str, team: str | None) -> None:
    """Everything about a new account that can be judged without the database."""
    if not _USERNAME.match(username):
        raise InvalidRequest("a user name is 1-64 letters, digits or . _ @ - (starting with a letter or digit)")
    if role not in ROLES:
        raise InvalidRequest(f"role must be one of {', '.join(ROLES)}")
    if role == "manager" and not team:
        raise InvalidRequest("a manager needs a team (--team): managers see their team's recordings")
    if team is not None and not 1 <= len(team) <= 64:
        raise InvalidRequest("a team name is 1-64 characters")
    check_password(password, username)


def create_user(db: Session, username: str, password: str, role: str, team: str | None = None) -> User:
    check_new_user(username, password, role, team)
    if db.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidRequest(f"user '{username}' already exists")
    user = User(username=username, password_hash=hash_password(password), role=role, team=team or None, active=True)
    db.add(user)
    db.flush()
    return user


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def set_password(db: Session, user: User, password: str) -> None:
    """The new password (checked against the policy). Callers end the user's other
    sessions and tokens with ``accounts.end_access`` in the same transaction."""
    check_password(password, user.username)
    user.password_hash = hash_password(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the user exists (pass None for no user). Call it
    outside a write transaction: argon2 takes tens of milliseconds by design."""
    try:
        _hasher.verify(password_hash or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


def find_user(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


def hash_token(token: str) -> str:
    # Tokens are 256 random bits, so a plain SHA-256 is enough (no slow hash needed).
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: Session, user: User, name: str = "integration") -> str:
    """A new bearer token for ``user``; only its hash is stored, so show it once."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(user_id=user.id, name=name[:64], token_hash=hash_token(token)))
    db.flush()
    return token


def token_expiry_cutoff(max_age_days: int):
    """Tokens made before this moment have expired."""
    return utcnow() - timedelta(days=max_age_days)


def token_for_bearer(db: Session, token: str, max_age_days: int) -> ApiToken | None:
    """The token row, if it is known, not revoked, not older than ``max_age_days`` and
    its account is active; else None. The age is judged now, from when it was made, so
    a lower setting shortens the life of tokens already given out."""
    row = db.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                           ApiToken.revoked_at.is_(None),
                                           ApiToken.created_at > token_expiry_cutoff(max_age_days)))
    return row if row and row.user.active else None


def count_users(db: Session) -> int:
    return db.scalar(select(func.count(User.id))) or 0


def ensure_first_admin(db: Session) -> str | None:
    """With no accounts at all, create ``admin`` with a random password and return
    the password (to be shown once); otherwise None."""
    if count_users(db):
        return None
    password = secrets.token_urlsafe(12)
    create_user(db, "admin", password, "admin")
    logger.warning("no users existed: created the first admin account 'admin'")
    return password
