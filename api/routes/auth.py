"""Sign in and out (cookie session + CSRF token), who am I, change password, one's own
bearer tokens (issue, list, revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.db.audit import record_event
from api.db.models import User
from api.deps import ContextDep, CurrentUser, SessionDep, SettingsDep, WebSessionDep, unauthorized
from api.schemas import LoginRequest, PasswordChange, SignedIn, TokenIssued
from api.services.accounts import TokenOut, end_access, list_tokens, revoke_token
from api.services.sessions import clear_session_cookie, end_session, set_session_cookie, start_session
from api.services.sign_in import check_sign_in
from api.services.users import issue_token, set_password, user_out, verify_password
from models.errors import PermissionDenied

router = APIRouter(prefix="/api/auth", tags=["auth"])


LOGIN_RESPONSES = {401: {"description": "Wrong user name or password"},
                   429: {"description": "Too many failed sign-ins for this user name: wait for Retry-After "
                                        "seconds (CASENOTE_SIGN_IN_MAX_FAILURES, CASENOTE_SIGN_IN_WINDOW_S)"}}


@router.post("/login", responses=LOGIN_RESPONSES)
def login(body: LoginRequest, response: Response, db: SessionDep, ctx: ContextDep) -> SignedIn:
    """Sign in: sets the HttpOnly session cookie and returns the CSRF token."""
    user_id = check_sign_in(db, body.username, body.password, ctx.settings)
    if user_id is None:
        raise unauthorized("wrong user name or password")
    user = db.get(User, user_id)
    cookie, web_session = start_session(db, user, ctx.settings, ctx.secret)
    record_event(db, user, "login", "user", user.id)
    db.commit()
    set_session_cookie(response, cookie, ctx.settings)
    return SignedIn(user=user_out(user), csrf_token=web_session.csrf_token)


@router.post("/logout", status_code=204)
def logout(response: Response, db: SessionDep, user: CurrentUser, web_session: WebSessionDep,
           settings: SettingsDep) -> None:
    if web_session is not None:
        end_session(db, web_session)
    record_event(db, user, "logout", "user", user.id)
    db.commit()
    clear_session_cookie(response, settings)


@router.get("/me")
def me(user: CurrentUser, web_session: WebSessionDep) -> SignedIn:
    """The signed-in user and (for a cookie session) the CSRF token to send back."""
    return SignedIn(user=user_out(user), csrf_token=web_session.csrf_token if web_session else "")


@router.post("/password", status_code=204, responses={422: {"description": "The password policy refuses it"}})
async def change_password(request: Request, body: PasswordChange, db: SessionDep, user: CurrentUser) -> None:
    """Change your password. Every other session and bearer token of yours ends at once
    (the session or token this request came with stays)."""
    user_id, password_hash = user.id, user.password_hash
    await run_in_threadpool(db.rollback)
    if not await run_in_threadpool(verify_password, password_hash, body.current_password):
        raise PermissionDenied("the current password is wrong")
    web_session = getattr(request.state, "web_session", None)

    def save() -> None:
        account = db.get(User, user_id)
        set_password(db, account, body.new_password)
        ended = end_access(db, account, keep_session_id=web_session.id if web_session else None,
                           keep_token_id=getattr(request.state, "api_token_id", None))
        record_event(db, user, "change_password", "user", user.id, sessions_ended=ended.sessions,
                     tokens_revoked=ended.tokens)
        db.commit()

    await run_in_threadpool(save)


@router.post("/tokens", status_code=201)
def new_token(db: SessionDep, user: CurrentUser, name: Annotated[str, Query(max_length=64)] = "integration"
              ) -> TokenIssued:
    """A bearer token for your own integrations (shown once; it expires after
    CASENOTE_TOKEN_MAX_AGE_DAYS)."""
    token = issue_token(db, user, name)
    record_event(db, user, "issue_token", "user", user.id, name=name)
    db.commit()
    return TokenIssued(token=token)


@router.get("/tokens")
def my_tokens(db: SessionDep, user: CurrentUser, settings: SettingsDep) -> list[TokenOut]:
    """Your bearer tokens: name, when made, when they expire, revoked or not (never the token)."""
    return list_tokens(db, user, settings)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_my_token(token_id: int, db: SessionDep, user: CurrentUser) -> None:
    """Revoke one of your tokens; it stops working at once."""
    revoke_token(db, user, user, token_id)
    db.commit()
