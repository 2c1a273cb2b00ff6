"""Signing in with a user name and password, throttled per user name.

After ``sign_in_max_failures`` failed sign-ins for one user name within
``sign_in_window_s`` seconds, further tries for that name are refused (429 with
Retry-After) without looking at the password, until the oldest of those failures
leaves the window; a successful sign-in clears the count. The failures are rows in
the database, so the throttle holds across restarts and on PostgreSQL.

Each attempt is counted before its password is checked (and the row removed again
if it was right): parallel guesses cannot slip past the limit while argon2 runs.
The count and the new row are one transaction, serialised per user name (SQLite:
its single writer; PostgreSQL: a transaction-scoped advisory lock). Refused tries
are not counted, so hammering a locked name does not lengthen its lock. The same
rules hold for a user name that does not exist, so the answer reveals nothing."""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import SignInFailure
from api.db.types import utcnow
from api.services.users import find_user, verify_password
from models.errors import SignInThrottled
from models.settings import Settings

logger = logging.getLogger(__name__)

EXPIRED_ROWS_PER_ATTEMPT = 100  # other names' expired rows tidied on the way (bounded work)


def check_sign_in(db: Session, username: str, password: str, settings: Settings, **audit_detail) -> int | None:
    """The user id when ``username`` (an active account) and ``password`` match, else
    None (audited as ``login_failed``, never with the password). Raises
    SignInThrottled while the name is locked. Holds no transaction while argon2 runs."""
    username = username[:64]
    failures = _count_attempt(db, username, settings)
    user = find_user(db, username)
    user_id = user.id if user and user.active else None
    password_hash = user.password_hash if user_id else None
    db.rollback()  # argon2 is slow by design: do not hold the database while it runs
    if verify_password(password_hash, password[:1024]):
        lift_lock(db, username)
        db.commit()
        return user_id
    record_event(db, None, "login_failed", "user", user_id, username=username, failures=failures, **audit_detail)
    if failures >= settings.sign_in_max_failures:
        record_event(db, None, "login_locked", "user", user_id, username=username,
                     for_s=settings.sign_in_window_s, **audit_detail)
        logger.warning("sign-in locked for a user name after %d failures", failures)
    db.commit()
    return None


def lift_lock(db: Session, username: str) -> None:
    """Forget a name's failures (a new password set by an admin lifts the lock)."""
    db.execute(delete(SignInFailure).where(SignInFailure.username == username))


def _count_attempt(db: Session, username: str, settings: Settings) -> int:
    """Refuse while locked; otherwise add this attempt and return how many are in the window."""
    now = utcnow()
    window = timedelta(seconds=settings.sign_in_window_s)
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"casenote-sign-in:{username}"})
    db.execute(delete(SignInFailure).where(SignInFailure.username == username, SignInFailure.at < now - window))
    db.execute(delete(SignInFailure).where(SignInFailure.id.in_(
        select(SignInFailure.id).where(SignInFailure.at < now - window)
        .limit(EXPIRED_ROWS_PER_ATTEMPT).with_for_update(skip_locked=True))))
    recent = list(db.scalars(select(SignInFailure.at).where(SignInFailure.username == username)
                             .order_by(SignInFailure.at)))
    limit = settings.sign_in_max_failures
    if len(recent) >= limit:
        db.commit()
        # Open again when enough of the failures have left the window to bring the count under the limit.
        reopens = recent[len(recent) - limit] + window
        raise SignInThrottled(max(1, math.ceil((reopens - now).total_seconds())))
    db.add(SignInFailure(username=username, at=now))
    db.commit()
    return len(recent) + 1
