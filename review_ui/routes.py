"""The review screen's pages, server-rendered (Jinja2 + GOV.UK Frontend). Data
comes from the same service functions as the JSON API; the pages' scripts then
talk to the JSON API (autosave, decisions, upload, job progress)."""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.db.audit import record_event
from api.db.models import User
from api.delivery.outbox import delivery_summary
from api.deps import SessionDep
from api.services import sessions
from api.services.recordings import list_recordings
from api.services.sign_in import check_sign_in
from models.errors import SignInThrottled
from review_ui import assets, review_pages
from review_ui.backend import LOGIN_CSRF_COOKIE, Who, login_token_ok, new_login_token, service
from review_ui.rendering import render, when
from review_ui.status import draft_rows

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"  # the pages' own scripts and styles, served at /static

router = APIRouter(include_in_schema=False)
router.include_router(assets.router)
router.include_router(review_pages.router)


def _safe_next(target: str | None) -> str:
    """Only paths on this site (no //host or scheme) are followed after sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/drafts"


def to_sign_in(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/sign-in?next={quote(request.url.path)}", status_code=303)


@router.get("/")
def home(who: Who) -> Response:
    return RedirectResponse("/drafts" if who else "/sign-in", status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, who: Who, next: str = "/drafts", signed_out: bool = False) -> Response:
    if who:
        return RedirectResponse(_safe_next(next), status_code=303)
    return _sign_in_form(request, next=_safe_next(next), signed_out=signed_out)


def _sign_in_form(request: Request, *, next: str, error: str = "", username: str = "",
                  signed_out: bool = False, status_code: int = 200) -> Response:
    token = new_login_token()
    response = render(request, "sign_in.html", {"next": next, "error": error, "username": username,
                                                "signed_out": signed_out, "csrf_token": token},
                      status_code=status_code)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/sign-in",
                        secure=service(request).settings.cookie_secure, max_age=3600)
    return response


@router.post("/sign-in")
async def sign_in(request: Request, db: SessionDep, username: str = Form(""), password: str = Form(""),
                  csrf_token: str = Form(""), next: str = Form("/drafts")) -> Response:
    target = _safe_next(next)
    username = username.strip()[:64]
    if not login_token_ok(request, csrf_token):
        return _sign_in_form(request, next=target, username=username, status_code=400,
                             error="The sign-in form had expired. Enter your user name and password again")
    if not username or not password:
        return _sign_in_form(request, next=target, username=username, status_code=400,
                             error="Enter your user name and password")
    ctx = service(request)
    try:  # the API's sign-in rules: same throttle, same audit
        user_id = await run_in_threadpool(check_sign_in, db, username, password, ctx.settings, via="web")
    except SignInThrottled as exc:
        response = _sign_in_form(request, next=target, username=username, status_code=429,
                                 error="There have been too many failed sign-ins for this user name. "
                                       f"Wait {exc.wait_text}, then try again")
        response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    if user_id is None:
        return _sign_in_form(request, next=target, username=username, status_code=401,
                             error="The user name or password is not right")

    def start() -> str:
        user = db.get(User, user_id)
        cookie, _row = sessions.start_session(db, user, ctx.settings, ctx.secret)
        record_event(db, user, "login", "user", user.id, via="web")
        db.commit()
        return cookie

    cookie = await run_in_threadpool(start)
    response = RedirectResponse(target, status_code=303)
    sessions.set_session_cookie(response, cookie, ctx.settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/sign-in")
    return response


@router.post("/sign-out")
def sign_out(request: Request, who: Who, db: SessionDep) -> Response:
    # The CSRF token of the form was checked by the API's dependency behind `who`.
    if who is not None:
        if who.session is not None:
            sessions.end_session(db, who.session)
        record_event(db, who.user, "logout", "user", who.user.id, via="web")
        db.commit()
    response = RedirectResponse("/sign-in?signed_out=1", status_code=303)
    sessions.clear_session_cookie(response, service(request).settings)
    return response


@router.get("/drafts")
def my_drafts(request: Request, who: Who, db: SessionDep, uploaded: bool = False) -> Response:
    if who is None:
        return to_sign_in(request)
    settings = service(request).settings
    recordings = list_recordings(db, who.user, limit=200, offset=0)
    deliveries = delivery_summary(db, [note_id for r in recordings for note_id in r.note_ids])
    rows = draft_rows(recordings, lambda moment: when(moment, settings), deliveries)
    return render(request, "drafts.html", {"who": who, "nav": "drafts", "rows": rows, "uploaded": uploaded})


@router.get("/recordings/new")
def new_recording(request: Request, who: Who) -> Response:
    if who is None:
        return to_sign_in(request)
    settings = service(request).settings
    return render(request, "new_recording.html", {
        "who": who, "nav": "new", "max_upload_mb": settings.max_upload_bytes // (1024 * 1024)})
