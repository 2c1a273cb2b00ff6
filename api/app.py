"""The FastAPI application: ``create_app(settings)``. Start-up migrates the database,
requeues interrupted jobs and starts the job worker and the retention sweep."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import docs_page
from api.context import ServiceContext, build_context
from api.db.migrate import upgrade
from api.problems import install_problem_handlers
from api.security_headers import SecurityHeaders
from api.routes import admin, auth, deliveries, drafts, exports, jobs, notes, recordings
from api.services.background import JobWorker, RetentionSweeper
from api.services.jobs import requeue_interrupted
from models.settings import Settings, get_settings

logger = logging.getLogger(__name__)

API_ROUTERS = (auth.router, recordings.router, jobs.router, drafts.router, notes.router, admin.router,
               exports.router, deliveries.router)


def start_service(ctx: ServiceContext, *, background: bool = True) -> None:
    upgrade(ctx.engine)  # the schema is made and upgraded only by migrations
    with ctx.session_factory() as db:
        requeue_interrupted(db)
    if background:
        for thread in (JobWorker(ctx), RetentionSweeper(ctx)):
            thread.start()
            ctx.background.append(thread)


def stop_service(ctx: ServiceContext) -> None:
    for thread in ctx.background:
        thread.stop()
    ctx.background.clear()
    ctx.engine.dispose()


def create_app(settings: Settings | None = None, *, background: bool = True) -> FastAPI:
    settings = settings or get_settings()
    ctx = build_context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        start_service(ctx, background=background)
        try:
            yield
        finally:
            stop_service(ctx)

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

    from review_ui.routes import router as ui_router  # the review screen (issue 5)

    app.include_router(ui_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent.parent / "review_ui" / "static",
                                     check_dir=False), name="static")
    return app
