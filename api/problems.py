"""Errors as ``application/problem+json`` (RFC 9457): type, title, status, detail,
plus named extra members where a client needs more (e.g. the current version).

This is the one place where the domain errors of ``models.errors`` become HTTP
answers (``PROBLEM_TYPES``); services raise those, never a ``Problem``. ``Problem``
itself is left for what only HTTP knows: a missing sign-in, a CSRF token, an
``If-Match`` header, a request body that does not validate."""

from __future__ import annotations

import errno
import logging
import traceback
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (AlreadyDelivered, AudioDeleted, AudioError, AudioTooLong, CasenoteError, ConfirmRefused,
                           Conflict, ConnectorGone, DraftConfirmed, ExportError, ExportSetupError, FormTooLarge, Gone,
                           IdempotencyKeyReused, InvalidEdit, InvalidRequest, InvalidText, JobNotFailed,
                           MalformedUpload, NoAudioToRetry, NotAudio, NotEditable, NotExportable, NotFound,
                           PasswordRejected, PermissionDenied, PresetInvalid, RangeNotSatisfiable, RateLimited,
                           ServerBusy, SignInThrottled, SilentAudio, StorageUnavailable, TextTooLong, Unavailable,
                           UnknownFormat, UnknownPreset, UnsupportedUpload, UploadTooLarge, VersionConflict)

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
UNEXPECTED = "an unexpected error; nothing you saved before was lost"


class Problem(Exception):
    """Raise from a route or dependency, for what only HTTP knows, to answer with a problem document."""

    def __init__(self, status: int, detail: str | None = None, *, type_: str | None = None,
                 title: str | None = None, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or "")
        self.status = status
        self.detail = detail
        self.type = f"/problems/{type_}" if type_ else "about:blank"
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extra = extra


class ProblemRaised(StarletteHTTPException):
    """A ``Problem`` raised where only an HTTPException passes through (a request body
    being read by FastAPI or Starlette: see ``api.request_limits``)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.status, problem.detail)
        self.problem = problem


# (domain error, HTTP status, problem type): the first row whose class the error is
# an instance of answers, so every subclass stands above its base.
PROBLEM_TYPES: list[tuple[type[CasenoteError], int, str]] = [
    (NotAudio, 415, "not-audio"),
    (AudioTooLong, 422, "audio-too-long"),
    (SilentAudio, 422, "silent-audio"),
    (AudioError, 422, "bad-audio"),
    (FormTooLarge, 413, "form-too-large"),
    (UploadTooLarge, 413, "upload-too-large"),
    (TextTooLong, 422, "text-too-long"),
    (InvalidText, 422, "invalid-text"),
    (PasswordRejected, 422, "password-rejected"),
    (UnsupportedUpload, 415, "unsupported-request"),
    (MalformedUpload, 400, "invalid-request"),
    (RangeNotSatisfiable, 416, "range-not-satisfiable"),
    (InvalidEdit, 422, "invalid-edit"),
    (ConfirmRefused, 422, "confirm-refused"),
    (IdempotencyKeyReused, 422, "idempotency-key-reused"),
    (InvalidRequest, 422, "invalid-request"),
    (NotFound, 404, "not-found"),
    (NotEditable, 403, "not-editable"),
    (PermissionDenied, 403, "forbidden"),
    (DraftConfirmed, 409, "draft-confirmed"),
    (VersionConflict, 409, "version-conflict"),
    (JobNotFailed, 409, "job-not-failed"),
    (NoAudioToRetry, 409, "audio-deleted"),
    (AlreadyDelivered, 409, "already-delivered"),
    (ConnectorGone, 409, "connector-gone"),
    (Conflict, 409, "conflict"),
    (AudioDeleted, 410, "audio-deleted"),
    (Gone, 410, "gone"),
    (SignInThrottled, 429, "sign-in-throttled"),
    (RateLimited, 429, "rate-limited"),
    (ServerBusy, 503, "server-busy"),
    (StorageUnavailable, 503, "storage-unavailable"),
    (Unavailable, 503, "unavailable"),
    # A preset file or a font the deployment must fix is the server's fault, not the request's.
    (PresetInvalid, 500, "bad_export_preset"),
    (ExportSetupError, 500, "export_setup"),
    (UnknownFormat, 422, "unknown_export_format"),
    (UnknownPreset, 422, "unknown_export_preset"),
    (NotExportable, 422, "not_exportable"),
    (ExportError, 422, "export_error"),
]


def problem_for(exc: CasenoteError) -> Problem:
    """The answer to a domain error; one that is no client's to fix (a configuration or
    storage error) is the same 500 as an unexpected error."""
    answer = _status_and_type(exc)
    if answer is None:
        return Problem(500, UNEXPECTED)
    status, type_ = answer
    return Problem(status, str(exc), type_=type_, headers=_headers(exc), **exc.details)


def _status_and_type(exc: CasenoteError) -> tuple[int, str] | None:
    return next(((status, type_) for error_class, status, type_ in PROBLEM_TYPES if isinstance(exc, error_class)),
                None)


def _headers(exc: CasenoteError) -> dict[str, str] | None:
    if isinstance(exc, RangeNotSatisfiable):
        return {"Content-Range": f"bytes */{exc.size}"}
    if isinstance(exc, (RateLimited, Unavailable)):
        return {"Retry-After": str(exc.retry_after_s)}
    return None


def problem_response(problem: Problem) -> JSONResponse:
    body = {"type": problem.type, "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


# Refusals of access that are recorded in the audit log: someone else's object (404,
# the same answer as for an id that does not exist), not theirs to do (403), CSRF.
REFUSALS = (NotFound, PermissionDenied)
RefusalHook = Callable[[Request, Problem], None]


def storage_unavailable(exc: BaseException) -> StorageUnavailable | None:
    """The domain error for a database or disk that cannot be written (full, read-only,
    gone), or None for any other error."""
    if isinstance(exc, OperationalError) or (
            isinstance(exc, DBAPIError) and _unavailable_sqlstate(getattr(exc.orig, "sqlstate", None) or "")):
        return StorageUnavailable("the service cannot write to its database right now (disk full, read-only, "
                                  "or the database is unreachable); nothing was changed. Try again later")
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        return StorageUnavailable(f"the service cannot write to its disk right now ({exc.strerror}); nothing "
                                  "was changed. Try again later")
    return None


STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO}


def _unavailable_sqlstate(sqlstate: str) -> bool:
    """PostgreSQL's codes for a server that cannot take the work now: insufficient
    resources (53: disk full, out of memory), connection (08), operator intervention
    (57: shutting down), a read-only transaction (25006: a read-only standby or
    default_transaction_read_only)."""
    return sqlstate[:2] in ("53", "08", "57") or sqlstate == "25006"


def install_problem_handlers(app: FastAPI, on_refusal: RefusalHook | None = None) -> None:
    """``on_refusal`` is called (in a worker thread) for every refused access, to audit it."""

    async def refused(request: Request, problem: Problem) -> None:
        if on_refusal is not None:
            await run_in_threadpool(on_refusal, request, problem)

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        if exc.status == 403:
            await refused(request, exc)
        return problem_response(exc)

    @app.exception_handler(CasenoteError)
    async def on_domain_error(request: Request, exc: CasenoteError):
        if _status_and_type(exc) is None:
            _log_unexpected(request, exc)
        problem = problem_for(exc)
        if isinstance(exc, REFUSALS):
            await refused(request, problem)
        return problem_response(problem)

    @app.exception_handler(DBAPIError)
    async def on_database_error(request: Request, exc: DBAPIError):
        unavailable = storage_unavailable(exc)
        if unavailable is None:
            _log_unexpected(request, exc)
            return problem_response(Problem(500, UNEXPECTED))
        logger.error("database unavailable in %s %s: %s", request.method, request.url.path, type(exc.orig).__name__)
        return problem_response(problem_for(unavailable))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_exception(_request: Request, exc: StarletteHTTPException):
        if isinstance(exc, ProblemRaised):
            return problem_response(exc.problem)
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase else None
        return problem_response(Problem(exc.status_code, detail, headers=getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_request: Request, exc: RequestValidationError):
        return problem_response(invalid_request("the request is not valid", exc.errors()))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
        if (unavailable := storage_unavailable(exc)) is not None:
            logger.error("storage unavailable in %s %s: %s", request.method, request.url.path, exc.strerror)
            return problem_response(problem_for(unavailable))
        _log_unexpected(request, exc)
        return problem_response(Problem(500, UNEXPECTED))


def invalid_request(what: str, errors: list[dict]) -> Problem:
    """422 for a body or form that does not validate: where and why, never the submitted
    value (it may be note text)."""
    kept = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in errors]
    summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in kept[:5])
    return Problem(422, f"{what}: {summary}", type_="invalid-request", errors=kept)


def _log_unexpected(request: Request, exc: Exception) -> None:
    # The traceback's frames, not the exception's message: messages can quote data.
    logger.error("unhandled %s in %s %s\n%s", type(exc).__name__, request.method, request.url.path,
                 "".join(traceback.format_tb(exc.__traceback__)))
