"""Whether any worker runs jobs, for the ``/readyz`` of a web process without a worker of
its own (PostgreSQL, ``casenote serve --no-worker``): the engine's workers write a
heartbeat to ``procrastinate_workers``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.db.types import utcnow
from api.services.context import ServiceContext
from api.services.readiness import Check

_RECENT = text("SELECT count(*) AS workers, max(last_heartbeat) AS last FROM procrastinate_workers "
               "WHERE last_heartbeat >= :since")


def workers_check(ctx: ServiceContext) -> Check:
    """Not required: the web service serves the review screen without workers; uploads wait."""
    within = ctx.settings.worker_seen_within_s
    try:
        with ctx.engine.connect() as db:
            row = db.execute(_RECENT, {"since": utcnow() - timedelta(seconds=within)}).one()
    except SQLAlchemyError:
        return Check(name="workers", ok=False, required=False, detail="cannot read the workers' heartbeats")
    if not row.workers:
        return Check(name="workers", ok=False, required=False,
                     detail=f"no worker seen in the last {within:g} s: recordings wait in the queue until a "
                            "casenote worker runs")
    age = (utcnow() - row.last).total_seconds()
    return Check(name="workers", ok=True, required=False,
                 detail=f"{row.workers} engine worker(s) seen, the last {age:.0f} s ago")
