"""The engine's tasks: what a worker does with a job of each kind. They run in the
worker's threads (synchronous tasks) with the process's ``WorkerRuntime``.

Transcription holds a PostgreSQL advisory lock on the job for as long as it runs, on a
connection of its own. The database drops that lock the moment the holder's connection
dies (a SIGKILL, a lost machine), and never while it lives: so a job the engine hands
out again (its worker was presumed dead) cannot run twice at once even when the
presumption was wrong; the second run finds the lock taken and looks again later."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

from procrastinate import App, JobContext
from sqlalchemy import func, select

from api.db.models import Delivery
from api.db.types import utcnow
from api.delivery.attempts import Connector, NotNow, deliver_once
from api.delivery.config import load_connectors
from api.engine.schedule import DELIVER, TRANSCRIBE, schedule_delivery, schedule_transcription
from api.services.background import sweep_expired_audio
from api.services.context import ServiceContext
from api.services.jobs import run_job, take_over_job

logger = logging.getLogger(__name__)

RETENTION = "casenote.retention"
MAINTENANCE_QUEUE = "maintenance"
JOB_LOCKS = 0x636E  # the advisory-lock namespace of transcription jobs ("cn")


@dataclass
class WorkerRuntime:
    """What the tasks of one worker process share."""

    ctx: ServiceContext
    stop: threading.Event = field(default_factory=threading.Event)  # set when the process shuts down
    connectors: dict[str, Connector] = field(default_factory=dict)

    @classmethod
    def for_context(cls, ctx: ServiceContext) -> "WorkerRuntime":
        return cls(ctx=ctx, connectors={c.name: c for c in load_connectors(ctx.settings)})


def _runtime(context: JobContext) -> WorkerRuntime:
    return context.additional_context["casenote"]


def transcribe(context: JobContext, job_id: int) -> None:
    transcribe_job(_runtime(context), job_id)


def transcribe_job(runtime: WorkerRuntime, job_id: int) -> None:
    ctx = runtime.ctx
    with ctx.engine.connect() as guard:
        got = guard.scalar(select(func.pg_try_advisory_lock(JOB_LOCKS, job_id)))
        guard.commit()  # a session-level lock: it outlives this transaction, and the connection is not left in one
        if not got:
            later = utcnow() + timedelta(seconds=ctx.settings.worker_stalled_after_s)
            logger.warning("job %d is still running in another process; looking again at %s", job_id,
                           later.isoformat(timespec="seconds"))
            with ctx.session_factory() as db:
                schedule_transcription(db, job_id, later)
                db.commit()
            return
        try:
            with ctx.session_factory() as db:
                token = take_over_job(db, job_id)
            if token is None:
                logger.info("job %d is already finished; nothing to do", job_id)
                return
            run_job(ctx, job_id, token, runtime.stop)
        finally:
            try:
                guard.scalar(select(func.pg_advisory_unlock(JOB_LOCKS, job_id)))
                guard.commit()
            except Exception:  # the connection is broken: the server has dropped the lock with it
                guard.invalidate()


def deliver(context: JobContext, note_id: int, connector: str) -> None:
    deliver_job(_runtime(context), note_id, connector)


def deliver_job(runtime: WorkerRuntime, note_id: int, connector_name: str) -> None:
    ctx = runtime.ctx
    connector = runtime.connectors.get(connector_name)
    if connector is None:
        logger.warning("note %s: connector %r is not configured in this worker; its delivery is left for one "
                       "that has it", note_id, connector_name)
        return
    with ctx.session_factory() as db:
        delivery_id = db.scalar(select(Delivery.id).where(Delivery.note_id == note_id,
                                                          Delivery.connector == connector_name))
    if delivery_id is None:
        return
    result = deliver_once(ctx.session_factory, delivery_id, connector, ctx.settings)
    if isinstance(result, NotNow) and result.retry_at is not None:
        # Not due yet, or another attempt holds it: look again when that can have changed.
        with ctx.session_factory() as db:
            schedule_delivery(db, note_id, connector_name, result.retry_at)
            db.commit()


def retention(context: JobContext, timestamp: int) -> None:
    sweep_expired_audio(_runtime(context).ctx)


def retention_cron(interval_s: float) -> str:
    """``CASENOTE_RETENTION_SWEEP_INTERVAL_S`` as a cron line (whole minutes, at most hourly)."""
    minutes = max(1, round(interval_s / 60))
    return f"*/{minutes} * * * *" if minutes < 60 else "7 * * * *"


def register_tasks(app: App, retention_interval_s: float) -> None:
    app.task(name=TRANSCRIBE.name, queue=TRANSCRIBE.queue, pass_context=True)(transcribe)
    app.task(name=DELIVER.name, queue=DELIVER.queue, pass_context=True)(deliver)
    # One sweep per tick across all workers: the engine defers each tick's job once.
    sweep = app.task(name=RETENTION, queue=MAINTENANCE_QUEUE, pass_context=True)(retention)
    app.periodic(cron=retention_cron(retention_interval_s), periodic_id="retention")(sweep)
