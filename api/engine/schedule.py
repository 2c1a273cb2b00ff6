"""Queue work on the job engine inside the caller's own transaction.

A job of the engine is a row of ``procrastinate_jobs``; it is added here with
Procrastinate's own SQL function (``procrastinate_defer_jobs_v1``) on the caller's
connection, so it commits or rolls back with what it is about: an upload and its
transcription job, a confirmation and its deliveries. Nothing is ever queued for a row
that was not saved, and nothing saved is left without its job.

Each casenote object has at most one waiting engine job (the queueing lock
``job-<id>`` or ``delivery-<note id>-<connector>``), and two engine jobs for one object
never run at once (the same string as Procrastinate's ``lock``). The engine job is only a wake-up: the casenote row
(``jobs``, ``deliveries``) says what is to be done, so a duplicate or early wake-up
does nothing harmful. On SQLite (one machine, in-process workers) these calls do nothing."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.types import utcnow

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class EngineTask:
    name: str  # the task's name in the engine: stored in job rows, so never renamed
    queue: str


TRANSCRIBE = EngineTask(name="casenote.transcribe", queue="transcription")
DELIVER = EngineTask(name="casenote.deliver", queue="delivery")

_WAITING = text("SELECT id, scheduled_at FROM procrastinate_jobs WHERE queueing_lock = :lock AND status = 'todo'")
_CANCEL = text("SELECT procrastinate_cancel_job_v1(:id, false, false)")
_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[CAST(ROW(:queue, :task, 0, :lock, :lock, CAST(:args AS jsonb), "
    ":at) AS procrastinate_job_to_defer_v1)])")


def job_lock(job_id: int) -> str:
    return f"job-{job_id}"


def delivery_lock(note_id: int, connector: str) -> str:
    return f"delivery-{note_id}-{connector}"


def on_engine(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def schedule_transcription(session: Session, job_id: int, at: datetime | None = None) -> None:
    """An engine job to transcribe and draft job ``job_id`` at ``at`` (now if None) or sooner."""
    _schedule(session, TRANSCRIBE, job_lock(job_id), {"job_id": job_id}, at)


def schedule_delivery(session: Session, note_id: int, connector: str, at: datetime | None = None) -> None:
    """An engine job to attempt the delivery of note ``note_id`` to ``connector`` at ``at``
    (now if None) or sooner. By note and connector (the outbox row's unique key), so it
    needs no row id: it can be queued before the new rows are flushed."""
    _schedule(session, DELIVER, delivery_lock(note_id, connector), {"note_id": note_id, "connector": connector}, at)


def _schedule(session: Session, task: EngineTask, lock: str, args: dict, at: datetime | None) -> None:
    """Make sure an engine job will run ``task`` for ``lock`` at ``at`` (now if None) or
    sooner, in the session's transaction: an earlier waiting job is kept, a later one is
    replaced. Runs on the session's connection without flushing it."""
    if not on_engine(session):
        return
    connection = session.connection()
    waiting = connection.execute(_WAITING, {"lock": lock}).first()
    if waiting is not None:
        if waiting.scheduled_at is None or waiting.scheduled_at <= (at or utcnow()):
            return
        connection.execute(_CANCEL, {"id": waiting.id})
    try:
        with connection.begin_nested():
            connection.execute(_DEFER, {"queue": task.queue, "task": task.name, "lock": lock,
                                        "args": json.dumps(args), "at": at})
    except IntegrityError:
        # Another transaction queued one a moment ago (the queueing lock allows one waiting
        # job per lock): that one will do it.
        logger.debug("an engine job for %s was queued meanwhile", lock)
