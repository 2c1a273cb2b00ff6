"""The review service put together: its context, the FastAPI app (the API's routers,
the review screen's pages and static files), and the background work it runs.

``start_background`` is the one place that starts a thread for the service, and
``stop_background`` the one that stops them; ``create_app(background=False)`` runs
none (tests of storage and pages)."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
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
from models.settings import Settings, get_settings
from review_ui import routes as review_screen

API_ROUTERS = (auth.router, recordings.router, jobs.router, drafts.router, notes.router, admin.router,
               exports.router, deliveries.router)


def prepare_database(ctx: ServiceContext) -> None:
    """Make or upgrade the schema (only ever by migrations), and put back in the queue
    the jobs a crash or kill cut off."""
    upgrade(ctx.engine)
    with ctx.session_factory() as db:
        requeue_interrupted(db)


def start_background(ctx: ServiceContext) -> None:
    """Start every thread the service runs: the job worker (transcribe, then draft),
    the audio-retention sweep, and one delivery worker per configured connector
    (none where ``CASENOTE_DELIVERY_WORKER=false``)."""
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


def create_app(settings: Settings | None = None, *, background: bool = True) -> FastAPI:
    ctx = build_context(settings or get_settings())

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        prepare_database(ctx)
        if background:
            start_background(ctx)
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

    app.include_router(review_screen.router)
    app.mount("/static", StaticFiles(directory=review_screen.STATIC_DIR, check_dir=False), name="static")
    return app
