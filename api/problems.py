"""Errors as ``application/problem+json`` (RFC 9457): type, title, status, detail,
plus named extra members where a client needs more (e.g. the current version).

This is the one place where the domain errors of ``models.errors`` become HTTP
answers (``PROBLEM_TYPES``); services raise those, never a ``Problem``. ``Problem``
itself is left for what only HTTP knows: a missing sign-in, a CSRF token, an
``If-Match`` header, a request body that does not validate."""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.errors import (AlreadyDelivered, AudioDeleted, AudioError, AudioTooLong, CasenoteError, ConfirmRefused,
                           Conflict, ConnectorGone, DraftConfirmed, ExportError, ExportSetupError, Gone,
                           IdempotencyKeyReused, InvalidEdit, InvalidRequest, JobNotFailed, MalformedUpload,
                           NoAudioToRetry, NotAudio, NotEditable, NotExportable, NotFound, PermissionDenied,
                           PresetInvalid, RangeNotSatisfiable, RateLimited, SignInThrottled, SilentAudio,
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


# (domain error, HTTP status, problem type): the first row whose class the error is
# an instance of answers, so every subclass stands above its base.
PROBLEM_TYPES: list[tuple[type[CasenoteError], int, str]] = [
    (NotAudio, 415, "not-audio"),
    (AudioTooLong, 422, "audio-too-long"),
    (SilentAudio, 422, "silent-audio"),
    (AudioError, 422, "bad-audio"),
    (UploadTooLarge, 413, "upload-too-large"),
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
    if isinstance(exc, RateLimited):
        return {"Retry-After": str(exc.retry_after_s)}
    return None


def problem_response(problem: Problem) -> JSONResponse:
    body = {"type": problem.type, "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    body.update(problem.extra)
    return JSONResponse(body, status_code=problem.status, headers=problem.headers, media_type=MEDIA_TYPE)


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(_request: Request, exc: Problem):
        return problem_response(exc)

    @app.exception_handler(CasenoteError)
    async def on_domain_error(request: Request, exc: CasenoteError):
        if _status_and_type(exc) is None:
            _log_unexpected(request, exc)
        return problem_response(problem_for(exc))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_exception(_request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase else None
        return problem_response(Problem(exc.status_code, detail, headers=getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_request: Request, exc: RequestValidationError):
        return problem_response(invalid_request("the request is not valid", exc.errors()))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
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
