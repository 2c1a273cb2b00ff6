"""Errors as ``application/problem+json`` (RFC 9457): type, title, status, detail,
plus named extra members where a client needs more (e.g. the current version)."""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"


class Problem(Exception):
    """Raise from a route or service to answer with a problem document."""

    def __init__(self, status: int, detail: str | None = None, *, type_: str | None = None,
                 title: str | None = None, headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail or "")
        self.status = status
        self.detail = detail
        self.type = f"/problems/{type_}" if type_ else "about:blank"
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extra = extra


def not_found(what: str) -> Problem:
    # The same answer whether the thing does not exist or belongs to someone else.
    return Problem(404, f"no {what} with that id", type_="not-found")


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

    @app.exception_handler(StarletteHTTPException)
    async def on_http_exception(_request: Request, exc: StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != HTTPStatus(exc.status_code).phrase else None
        return problem_response(Problem(exc.status_code, detail, headers=getattr(exc, "headers", None)))

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_request: Request, exc: RequestValidationError):
        # Keep where and why, never the submitted value (it may be note text).
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        summary = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem_response(Problem(422, f"the request is not valid: {summary}",
                                        type_="invalid-request", errors=errors))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
        # The traceback's frames, not the exception's message: messages can quote data.
        logger.error("unhandled %s in %s %s\n%s", type(exc).__name__, request.method, request.url.path,
                     "".join(traceback.format_tb(exc.__traceback__)))
        return problem_response(Problem(500, "an unexpected error; nothing you saved before was lost"))
