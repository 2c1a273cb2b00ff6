"""The service's two background threads on SQLite (one machine): the job worker and the
audio-retention sweep. (On PostgreSQL both are the job engine's: ``api/engine``.)"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from sqlalchemy import select

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Draft, Job, Recording
from api.db.types import utcnow
from api.services.context import ServiceContext
from api.services.jobs import claim_next_job, run_job

logger = logging.getLogger(__name__)

POLL_S = 2.0  # the worker also looks for queued jobs this often (another process may add some)
ABANDONED_AFTER = timedelta(days=1)  # stored audio no recording names, older than this, is an upload cut off


class JobWorker(threading.Thread):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(name="casenote-jobs", daemon=True)
        self.ctx = ctx
        self._wake = threading.Event()
        self._stopping = threading.Event()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                with self.ctx.session_factory() as db:
                    job_id = claim_next_job(db)
            except Exception as exc:  # the database is away: wait and try again
                logger.error("could not claim a job: %s", type(exc).__name__)
                self._stopping.wait(POLL_S)
                continue
            if job_id is None:
                self._wake.wait(POLL_S)
                self._wake.clear()
                continue
            try:
                with self.ctx.session_factory() as db:
                    token = db.scalar(select(Job.claim_token).where(Job.id == job_id))
                run_job(self.ctx, job_id, token, self._stopping)
            except Exception as exc:
                # The worker outlives any one job; a job left 'running' is requeued at the next start.
                logger.error("job %d could not be run: %s", job_id, type(exc).__name__)


class RetentionSweeper(threading.Thread):
    def __init__(self, ctx: ServiceContext) -> None:
        super().__init__(name="casenote-retention", daemon=True)
        self.ctx = ctx
        self._stopping = threading.Event()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                sweep_expired_audio(self.ctx)
            except Exception as exc:
                logger.error("audio retention sweep failed: %s", type(exc).__name__)
            self._stopping.wait(self.ctx.settings.retention_sweep_interval_s)


def sweep_expired_audio(ctx: ServiceContext, now: datetime | None = None) -> int:
    """Delete the audio of notes confirmed more than ``audio_retention_days`` ago."""
    cutoff = (now or utcnow()) - timedelta(days=ctx.settings.audio_retention_days)
    with ctx.session_factory() as db:
        expired = list(db.scalars(
            select(Recording).join(Draft, Draft.recording_id == Recording.id)
            .join(ConfirmedNoteRow, ConfirmedNoteRow.draft_id == Draft.id)
            .where(Recording.audio_file.is_not(None), ConfirmedNoteRow.confirmed_at <= cutoff)))
        for recording in expired:
            # The file goes first: a crash in between leaves a row pointing at nothing,
            # which the next sweep finishes; never a forgotten file.
            ctx.audio.delete(recording.audio_file)
            recording.audio_file = None
            recording.audio_deleted_at = utcnow()
            record_event(db, None, "delete_audio", "recording", recording.id,
                         retention_days=ctx.settings.audio_retention_days)
        db.commit()
    if expired:
        logger.info("deleted the audio of %d recording(s) past retention", len(expired))
    ctx.audio.remove_abandoned((now or utcnow()) - ABANDONED_AFTER)
    return len(expired)
