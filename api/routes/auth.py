"""Sign in and out (cookie session + CSRF token), who am I, change password."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from api.db.audit import record_event
from api.db.models import User
from api.deps import ContextDep, CurrentUser, SessionDep, SettingsDep, WebSessionDep, unauthorized
from api.schemas import LoginRequest, PasswordChange, SignedIn
from api.services.sessions import clear_session_cookie, end_session, set_session_cookie, start_session
from api.services.sign_in import check_sign_in
from api.services.users import set_password, user_out, verify_password
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


@router.post("/password", status_code=204)
async def change_password(body: PasswordChange, db: SessionDep, user: CurrentUser) -> None:
    user_id, password_hash = user.id, user.password_hash
    await run_in_threadpool(db.rollback)
    if not await run_in_threadpool(verify_password, password_hash, body.current_password):
        raise PermissionDenied("the current password is wrong")

    def save() -> None:
        set_password(db, db.get(User, user_id), body.new_password)
        record_event(db, user, "change_password", "user", user.id)
        db.commit()

    await run_in_threadpool(save)
