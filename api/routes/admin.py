"""Accounts and the audit log (admins), and the CiN code list (everyone signed in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from api.db.audit import AuditEventOut, list_events, record_event
from api.db.models import User
from api.deps import AdminUser, CurrentUser, SessionDep
from api.schemas import CinFactorOut, NewUser, TokenIssued, UserOut
from api.services.users import create_user, issue_token, user_out
from models.cin_codes import cin_factors

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


@router.post("/api/auth/tokens", status_code=201, tags=["auth"])
def new_token(db: SessionDep, user: CurrentUser, name: Annotated[str, Query(max_length=64)] = "integration"
              ) -> TokenIssued:
    """A bearer token for your own integrations (shown once)."""
    token = issue_token(db, user, name)
    record_event(db, user, "issue_token", "user", user.id, name=name)
    db.commit()
    return TokenIssued(token=token)


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
