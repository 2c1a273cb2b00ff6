"""What every worker process does beside running jobs, so that nothing waits forever.

- ``requeue_stalled``: the engine records each worker's heartbeat; a job whose worker
  has been silent for ``worker_stalled_after_s`` (killed, its machine gone) goes back to
  the queue with Procrastinate's own calls (``prune_stalled_workers``,
  ``get_stalled_jobs``, ``retry_job``). Done by every worker, every heartbeat interval,
  outside the job slots, so a busy worker still recovers its dead peers' jobs.
- ``reconcile``: a casenote job or delivery with work left and no engine job waiting or
  running for it gets one (work queued before this version, or on SQLite before a move
  to PostgreSQL, or a wake-up lost to a bug). The casenote rows decide; engine jobs only
  wake workers, so an extra one does no harm."""

from __future__ import annotations

import logging

from procrastinate import App, exceptions
from procrastinate.jobs import Status
from sqlalchemy import text

from api.delivery.attempts import Connector
from api.engine.schedule import schedule_delivery, schedule_transcription
from api.services.context import ServiceContext

logger = logging.getLogger(__name__)

_ORPHAN_JOBS = text(
    "SELECT j.id FROM jobs j WHERE j.status IN ('queued', 'running') AND NOT EXISTS ("
    " SELECT 1 FROM procrastinate_jobs p WHERE p.lock = 'job-' || j.id AND p.status IN ('todo', 'doing'))")
_ORPHAN_DELIVERIES = text(
    "SELECT d.note_id, d.connector, d.next_attempt_at, d.locked_until FROM deliveries d WHERE d.status = 'pending' "
    "AND NOT EXISTS (SELECT 1 FROM procrastinate_jobs p WHERE p.lock = 'delivery-' || d.note_id || '-' || d.connector "
    "AND p.status IN ('todo', 'doing'))")


async def requeue_stalled(app: App, stalled_after_s: float) -> int:
    """Put back in the queue the engine jobs of workers silent for ``stalled_after_s``."""
    manager = app.job_manager
    pruned = await manager.prune_stalled_workers(stalled_after_s)
    if pruned:
        logger.warning("worker(s) %s silent for over %g s: presumed dead", ", ".join(map(str, pruned)),
                       stalled_after_s)
    requeued = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        try:
            await manager.retry_job(job)
        except exceptions.UniqueViolation:
            # Another job for the same object is already waiting (its queueing lock): that
            # one does the work; this one is closed.
            await manager.finish_job(job, status=Status.FAILED, delete_job=False)
            logger.info("engine job %s of a dead worker closed: %s is queued again already", job.id, job.lock)
            continue
        except exceptions.ConnectorException:
            continue  # another worker put it back a moment ago
        requeued += 1
        logger.warning("engine job %s (%s) of a dead worker is back in the queue", job.id, job.lock)
    return requeued


def reconcile(ctx: ServiceContext, connectors: dict[str, Connector]) -> int:
    """Queue an engine job for each job or delivery that has work left and none."""
    queued = 0
    with ctx.session_factory() as db:
        for (job_id,) in db.execute(_ORPHAN_JOBS).all():
            schedule_transcription(db, job_id)
            queued += 1
        for row in db.execute(_ORPHAN_DELIVERIES).all():
            if row.connector in connectors:  # other workers may be configured with other connectors
                due = max((t for t in (row.next_attempt_at, row.locked_until) if t is not None), default=None)
                schedule_delivery(db, row.note_id, row.connector, due)
                queued += 1
        db.commit()
    if queued:
        logger.info("queued engine jobs for %d job(s) and deliveries that had none", queued)
    return queued
