"""Whether any worker runs jobs: for ``/readyz``. On PostgreSQL the engine's workers
write a heartbeat to ``procrastinate_workers``; on SQLite the jobs run in the service's
own thread."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.db.types import utcnow
from api.services.context import ServiceContext

_LAST_HEARTBEAT = text("SELECT count(*) AS workers, max(last_heartbeat) AS last FROM procrastinate_workers "
                       "WHERE last_heartbeat >= :since")


class WorkersCheck(BaseModel):
    name: str = "workers"
    ok: bool
    detail: str
    required: bool = False  # the web service serves without workers: uploads wait for one


def workers_check(ctx: ServiceContext) -> WorkersCheck:
    if not ctx.settings.on_postgresql:
        alive = any(getattr(t, "name", "") == "casenote-jobs" and t.is_alive() for t in ctx.background)
        return WorkersCheck(ok=alive, detail="jobs run in this process" if alive else
                            "no job worker runs in this process")
    within = ctx.settings.worker_seen_within_s
    try:
        with ctx.engine.connect() as db:
            row = db.execute(_LAST_HEARTBEAT, {"since": utcnow() - timedelta(seconds=within)}).one()
    except SQLAlchemyError:
        return WorkersCheck(ok=False, detail="cannot read the workers' heartbeats")
    if not row.workers:
        return WorkersCheck(ok=False, detail=f"no worker seen in the last {within:g} s: recordings wait in the "
                                             "queue until a casenote worker runs")
    age = (utcnow() - row.last).total_seconds()
    return WorkersCheck(ok=True, detail=f"{row.workers} engine worker(s) seen, the last {age:.0f} s ago")
