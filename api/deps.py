"""Typed dependencies for the routes: the database session, the settings, the
signed-in user (cookie or bearer token, with CSRF checks for cookies)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.db.models import User, WebSession
from api.problems import Problem
from api.services.context import ServiceContext
from api.services.sessions import COOKIE_NAME, CSRF_FORM_FIELD, CSRF_HEADER, csrf_matches, session_for_cookie
from api.services.users import token_for_bearer
from models.errors import PermissionDenied
from models.settings import Settings

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Dependencies that do no I/O are async: they run on the event loop instead of
# costing a hop to the thread pool on every request.
async def get_context(request: Request) -> ServiceContext:
    return request.app.state.ctx


ContextDep = Annotated[ServiceContext, Depends(get_context)]


async def get_settings(ctx: ContextDep) -> Settings:
    return ctx.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_db(ctx: ContextDep) -> AsyncIterator[Session]:
    # Making a Session does no I/O; its first statement (in the route's thread) begins
    # the transaction, and routes commit before they return.
    with ctx.session_factory() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]


async def sent_csrf_token(request: Request) -> str | None:
    """The CSRF token from the header, or from an HTML form's hidden field."""
    token = request.headers.get(CSRF_HEADER)
    if token is None and request.method not in SAFE_METHODS and \
            request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        settings = request.app.state.ctx.settings
        form = await request.form(max_fields=settings.max_form_fields, max_files=0,
                                  max_part_size=settings.max_form_field_bytes)
        token = form.get(CSRF_FORM_FIELD)
    return token if isinstance(token, str) else None


def unauthorized(detail: str = "sign in, or send 'Authorization: Bearer <token>'") -> Problem:
    return Problem(401, detail, type_="unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="casenote"'})


def optional_user(request: Request, ctx: ContextDep,
                  csrf: Annotated[str | None, Depends(sent_csrf_token)]) -> User | None:
    """The user, or None when nobody is signed in (pages use this to redirect).

    Looked up in its own read-only session: the route's write transaction then
    begins and ends inside the route's one thread, never held across the hop from
    this dependency to the route (which, on SQLite under load, could leave every
    worker thread waiting for a lock whose holder waits for a thread)."""
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, token = authorization.partition(" ")
        with ctx.read_session_factory() as db:
            row = token_for_bearer(db, token.strip(), ctx.settings.token_max_age_days) \
                if scheme.lower() == "bearer" else None
        if row is None:
            raise unauthorized("the bearer token is not valid (unknown, revoked, expired, or its account is "
                               "disabled)")
        request.state.auth_via = "token"
        request.state.api_token_id = row.id
        request.state.user = row.user
        return row.user  # no cookie involved, so no CSRF to check
    cookie = request.cookies.get(COOKIE_NAME)
    if not cookie:
        return None
    with ctx.read_session_factory() as db:
        web_session = session_for_cookie(db, cookie, ctx.secret)
    if web_session is None:
        return None
    request.state.user = web_session.user  # known even when the request is refused below (the audit names them)
    if request.method not in SAFE_METHODS and not csrf_matches(web_session, csrf):
        raise Problem(403, f"missing or wrong CSRF token: send the {CSRF_HEADER} header given at sign-in",
                      type_="csrf")
    request.state.auth_via = "session"
    request.state.web_session = web_session
    return web_session.user


async def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise unauthorized()
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]
CurrentUser = Annotated[User, Depends(current_user)]


async def admin_user(user: CurrentUser) -> User:
    if user.role != "admin":
        raise PermissionDenied("only an admin can do this")
    return user


async def case_worker(user: CurrentUser) -> User:
    """Someone who makes case records: a worker or a manager. Admins look only."""
    if user.role == "admin":
        raise PermissionDenied("admins look only: recording, editing, confirming and retrying are for "
                               "workers and their managers")
    return user


CaseWorker = Annotated[User, Depends(case_worker)]


AdminUser = Annotated[User, Depends(admin_user)]


async def current_web_session(request: Request, user: CurrentUser) -> WebSession | None:
    return getattr(request.state, "web_session", None)


WebSessionDep = Annotated[WebSession | None, Depends(current_web_session)]
