"""Accounts and the audit log (admins), and the CiN code list (everyone signed in).

An admin manages accounts (adds, disables, enables, sees and revokes their tokens)
and reads everything; they never make or change case records (``deps.case_worker``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.db.audit import AuditEventOut, list_events, record_event
from api.db.models import User
from api.deps import AdminUser, CurrentUser, SessionDep, SettingsDep
from api.schemas import CinFactorOut, NewUser, UserOut
from api.services.accounts import TokenOut, list_tokens, revoke_token, set_active
from api.services.users import create_user, user_out
from models.cin_codes import cin_factors
from models.errors import NotFound

router = APIRouter(tags=["admin"])


@router.get("/api/users")
def users(db: SessionDep, admin: AdminUser) -> list[UserOut]:
    return [user_out(u) for u in db.scalars(select(User).order_by(User.username))]


@router.post("/api/users", status_code=201)
async def add_user(body: NewUser, db: SessionDep, admin: AdminUser) -> UserOut:
    def add() -> UserOut:
        user = create_user(db, body.username, body.password, body.role, body.team)
        record_event(db, admin, "create_user", "user", user.id, role=user.role, team=user.team)
        db.commit()
        return user_out(user)

    await run_in_threadpool(db.commit)  # hashing the password takes a while: not inside a transaction
    return await run_in_threadpool(add)


def _account(db, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound("user")
    return user


@router.post("/api/users/{user_id}/disable")
def disable_user(user_id: int, db: SessionDep, admin: AdminUser) -> UserOut:
    """Disable an account (someone who left): sign-in is refused, and their sessions and
    tokens stop working at once (tokens are revoked for good)."""
    user = _account(db, user_id)
    set_active(db, admin, user, False)
    db.commit()
    return user_out(user)


@router.post("/api/users/{user_id}/enable")
def enable_user(user_id: int, db: SessionDep, admin: AdminUser) -> UserOut:
    """Enable an account again; it signs in with its password (old tokens stay revoked)."""
    user = _account(db, user_id)
    set_active(db, admin, user, True)
    db.commit()
    return user_out(user)


@router.get("/api/users/{user_id}/tokens")
def user_tokens(user_id: int, db: SessionDep, admin: AdminUser, settings: SettingsDep) -> list[TokenOut]:
    """An account's bearer tokens (never the tokens themselves)."""
    return list_tokens(db, _account(db, user_id), settings)


@router.delete("/api/users/{user_id}/tokens/{token_id}", status_code=204)
def revoke_user_token(user_id: int, token_id: int, db: SessionDep, admin: AdminUser) -> None:
    revoke_token(db, admin, _account(db, user_id), token_id)
    db.commit()


@router.get("/api/audit")
def audit(db: SessionDep, admin: AdminUser, object_type: str | None = None, object_id: int | None = None,
          action: str | None = None, before_id: int | None = None,
          limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[AuditEventOut]:
    """The audit log, newest first (admins only)."""
    return list_events(db, object_type=object_type, object_id=object_id, action=action,
                       limit=limit, before_id=before_id)


@router.get("/api/cin-factors", tags=["reference"])
def factors(user: CurrentUser) -> list[CinFactorOut]:
    """Every CiN census factor code, for adding a factor by hand."""
    return [CinFactorOut(**f.model_dump()) for f in cin_factors().values()]
