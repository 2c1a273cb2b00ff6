"""The review service put together: its context, the FastAPI app (the API's routers,
the review screen's pages and static files), and the background work it runs.

``start_background`` is the one place that starts a thread for the service, and
``stop_background`` the one that stops them; ``create_app(background=False)`` runs
none (tests of storage and pages). On SQLite (one machine) the service runs its jobs
in its own threads; on PostgreSQL jobs are the engine's, run by ``casenote worker``
processes and, unless ``casenote serve --no-worker``, by one engine worker inside the
service."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from api import docs_page
from api.db.migrate import upgrade
from api.delivery.config import load_connectors
from api.delivery.worker import DeliveryWorker
from api.problems import install_problem_handlers
from api.routes import admin, auth, deliveries, drafts, exports, jobs, notes, recordings
from api.security_headers import SecurityHeaders
from api.services.background import JobWorker, RetentionSweeper
from api.services.context import ServiceContext, build_context
from api.services.jobs import requeue_interrupted
from api.workers.runner import EngineWorkerThread
from api.workers.seen import workers_check
from models.settings import Settings, get_settings
from review_ui import routes as review_screen

API_ROUTERS = (auth.router, recordings.router, jobs.router, drafts.router, notes.router, admin.router,
               exports.router, deliveries.router)


def prepare_database(ctx: ServiceContext) -> None:
    """Make or upgrade the schema (only ever by migrations; on PostgreSQL the job
    engine's schema too). On SQLite, put back in the queue the jobs a crash or kill cut
    off: one process owns that database. (On PostgreSQL other processes may be running
    jobs right now; the engine brings back those of dead workers.)"""
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
                  description="Review service: recordings, background transcription, drafts, sign-off, audit.")
    app.state.ctx = ctx
    app.add_middleware(SecurityHeaders)
    install_problem_handlers(app)
    for router in API_ROUTERS:
        app.include_router(router)
    app.include_router(docs_page.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"status": "ok"}  # no data: the one route that needs no sign-in

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> JSONResponse:
        """Readiness, no sign-in, names and states only. A check that is not required
        (workers) is reported without making the service unready: the web service still
        serves the review screen when no worker runs, and says so ("degraded")."""
        checks = [workers_check(ctx)]
        ok = all(c.ok for c in checks if c.required)
        status = ("ready" if all(c.ok for c in checks) else "degraded") if ok else "not-ready"
        return JSONResponse({"status": status, "checks": [c.model_dump() for c in checks]},
                            status_code=200 if ok else 503)

    app.include_router(review_screen.router)
    app.mount("/static", StaticFiles(directory=review_screen.STATIC_DIR, check_dir=False), name="static")
    return app
