"""The review service put together: its context, the FastAPI app (the API's routers,
the review screen's pages and static files), and the background work it runs.

``start_background`` is the one place that starts a thread for the service, and
``stop_background`` the one that stops them; ``create_app(background=False)`` runs
none (tests of storage and pages). On SQLite (one machine) the service runs its jobs
in its own threads; on PostgreSQL jobs are the engine's, run by ``casenote worker``
processes and, unless ``casenote serve --no-worker``, by one engine worker inside the
service."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from api import docs_page
from api.db.audit import record_refusal
from api.db.migrate import upgrade
from api.delivery.config import load_connectors
from api.delivery.worker import DeliveryWorker
from api.problems import Problem, install_problem_handlers, problem_response
from api.request_limits import RequestLimits
from api.routes import admin, auth, deliveries, drafts, exports, jobs, notes, recordings, reports
from api.routes.recordings import UPLOAD_PATH
from api.security_headers import SecurityHeaders
from api.services.background import JobWorker, RetentionSweeper
from api.services.context import ServiceContext, build_context
from api.services.data_dir import make_private, remove_orphan_uploads
from api.services.jobs import requeue_interrupted
from api.services.readiness import readiness
from api.workers.runner import EngineWorkerThread
from api.workers.seen import workers_check
from models.settings import Settings, get_settings
from review_ui import routes as review_screen

logger = logging.getLogger(__name__)

API_ROUTERS = (auth.router, recordings.router, jobs.router, drafts.router, notes.router, admin.router,
               exports.router, deliveries.router, reports.router)


def prepare_database(ctx: ServiceContext) -> None:
    """Start-up checks, then make or upgrade the schema (only ever by migrations; on
    PostgreSQL the job engine's schema too). The checks: the data folder and everything
    in it owner-only (fixed, with a warning), and no upload a killed process left
    half-received. On SQLite, put back in the queue the jobs a crash or kill cut off: one
    process owns that database. (On PostgreSQL other processes may be running jobs right
    now; the engine brings back those of dead workers.)"""
    make_private(ctx.settings.data_dir)
    remove_orphan_uploads(ctx.settings.data_dir)
    upgrade(ctx.engine)
    if not ctx.settings.on_postgresql:
        with ctx.session_factory() as db:
            requeue_interrupted(db)


def start_background(ctx: ServiceContext, *, jobs: bool = True) -> None:
    """Start every thread the service runs. On SQLite: the job worker (transcribe, then
    draft), the audio-retention sweep, and one delivery worker per configured connector
    (none where ``CASENOTE_DELIVERY_WORKER=false``). On PostgreSQL: one engine worker,
    which does all of that with any other workers (none with ``jobs=False``: a web
    process only, ``casenote serve --no-worker``)."""
    if ctx.settings.on_postgresql:
        threads = [EngineWorkerThread(ctx)] if jobs else []
    else:
        threads = [JobWorker(ctx), RetentionSweeper(ctx)]
        if ctx.settings.delivery_worker:
            threads += [DeliveryWorker(ctx.session_factory, ctx.settings, connector)
                        for connector in load_connectors(ctx.settings)]
    for thread in threads:
        thread.start()
        ctx.background.append(thread)


def stop_background(ctx: ServiceContext) -> None:
    for thread in ctx.background:
        thread.stop()
    ctx.background.clear()


def audit_refusal(ctx: ServiceContext, request: Request, problem: Problem) -> None:
    """Every refused access goes to the audit log, with who (when known), the method,
    the path and why; never a request body."""
    try:
        with ctx.session_factory() as db:
            record_refusal(db, getattr(request.state, "user", None), method=request.method, path=request.url.path,
                           status=problem.status, reason=problem.type.rsplit("/", 1)[-1])
    except Exception as exc:  # the refusal itself must still be answered
        logger.error("could not audit a refused request: %s", type(exc).__name__)


def create_app(settings: Settings | None = None, *, background: bool = True, jobs: bool = True) -> FastAPI:
    ctx = build_context(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        prepare_database(ctx)
        if background:
            start_background(ctx, jobs=jobs)
        try:
            yield
        finally:
            stop_background(ctx)
            ctx.engine.dispose()

    # /docs is served by api.docs_page from local files (no CDN); ReDoc is not served.
    app = FastAPI(title="casenote", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  form_limits={"max_fields": ctx.settings.max_form_fields, "max_files": 0,
                               "max_part_size": ctx.settings.max_form_field_bytes},
                  description="Review service: recordings, background transcription, drafts, sign-off, audit.")
    app.state.ctx = ctx
    app.add_middleware(SecurityHeaders)
    # Every body but an upload's (which streams to disk and limits itself) is bounded, and
    # JSON with broken text is refused before any route reads it.
    app.add_middleware(RequestLimits, max_bytes=ctx.settings.max_request_bytes,
                       streams_itself=lambda scope: scope["method"] == "POST" and scope["path"] == UPLOAD_PATH)
    install_problem_handlers(app, on_refusal=lambda request, problem: audit_refusal(ctx, request, problem))
    for router in API_ROUTERS:
        app.include_router(router)
    app.include_router(docs_page.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"status": "ok"}  # liveness: the process answers. No data: it needs no sign-in

    # A web process without a worker of its own (PostgreSQL, --no-worker) also says whether
    # any worker has been seen: not a reason to take it out of a proxy's rotation (it
    # serves the review screen), but uploads wait until a worker runs.
    worker_less = background and not jobs and ctx.settings.on_postgresql

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        """Readiness: the database takes writes and the disk has room (no sign-in; names
        and states of the checks only); "degraded" when only a check that is not
        required fails (no worker seen)."""
        checks = [*readiness(ctx), *([workers_check(ctx)] if worker_less else [])]
        shown = [c.model_dump() for c in checks]
        failing = [c for c in checks if not c.ok and c.required]
        if not failing:
            return JSONResponse({"status": "ready" if all(c.ok for c in checks) else "degraded", "checks": shown})
        return problem_response(Problem(503, "; ".join(c.detail for c in failing), type_="not-ready",
                                        headers={"Retry-After": "30"}, checks=shown))

    app.include_router(review_screen.router)
    app.mount("/static", StaticFiles(directory=review_screen.STATIC_DIR, check_dir=False), name="static")
    return app
