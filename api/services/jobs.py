"""Background jobs: transcribe a recording, then draft the note. Jobs are database
rows, so a restart picks up what was queued or interrupted; a failed job keeps its
audio and error and can be retried."""

from __future__ import annotations

import logging
import threading
import time
import traceback

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import Draft, Job, Recording, User
from api.db.types import utcnow
from api.services.context import ServiceContext
from api.services.drafts import create_draft
from models.errors import AudioDeleted, AudioIntegrityError, CasenoteError, JobNotFailed, NoAudioToRetry

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0  # at most one progress write per second
TRANSCRIBE_SHARE = 0.9  # transcription is this part of the progress bar; drafting the rest


class JobStopped(Exception):
    """The service is shutting down: the job goes back to the queue."""


def claim_next_job(db: Session) -> int | None:
    job_id = db.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
    if job_id is None:
        db.rollback()
        return None
    now = utcnow()
    claimed = db.execute(update(Job).where(Job.id == job_id, Job.status == "queued").values(
        status="running", stage="transcribing", progress=0.0, attempts=Job.attempts + 1, started_at=now,
        updated_at=now, finished_at=None, error=None, error_code=None))
    db.commit()
    return job_id if claimed.rowcount == 1 else None


def requeue_interrupted(db: Session) -> int:
    """At start-up: jobs left 'running' were cut off by a crash or kill. One service
    process owns a database, so every running job at start is an interrupted one."""
    result = db.execute(update(Job).where(Job.status == "running").values(
        status="queued", stage=None, progress=0.0, updated_at=utcnow()))
    db.commit()
    if result.rowcount:
        logger.warning("requeued %d interrupted job(s)", result.rowcount)
    return result.rowcount


def retry_job(db: Session, user: User, job: Job) -> Job:
    if job.status != "failed":
        raise JobNotFailed(f"only a failed job can be retried; this one is {job.status}")
    if job.recording.audio_file is None:
        raise NoAudioToRetry("the audio of this recording has been deleted")
    job.status, job.stage, job.progress, job.updated_at = "queued", None, 0.0, utcnow()
    job.error = job.error_code = None
    job.finished_at = None
    record_event(db, user, "retry", "job", job.id, recording_id=job.recording_id)
    return job


class ProgressWriter:
    """The ``on_progress`` callback: stores progress on the job row, throttled, and
    stops the transcription when the service is shutting down."""

    def __init__(self, ctx: ServiceContext, job_id: int, stop: threading.Event) -> None:
        self.ctx, self.job_id, self.stop = ctx, job_id, stop
        self._last_write = 0.0

    def __call__(self, fraction: float) -> None:
        if self.stop.is_set():
            raise JobStopped()
        now = time.monotonic()
        if now - self._last_write < PROGRESS_EVERY_S and fraction < 1.0:
            return
        self._last_write = now
        self.set(progress=TRANSCRIBE_SHARE * fraction)

    def set(self, **values) -> None:
        with self.ctx.session_factory() as db:
            db.execute(update(Job).where(Job.id == self.job_id, Job.status == "running")
                       .values(updated_at=utcnow(), **values))
            db.commit()


def run_job(ctx: ServiceContext, job_id: int, stop: threading.Event) -> None:
    from pipeline.transcription.transcribe import transcribe_file

    with ctx.session_factory() as db:
        recording = db.get(Job, job_id).recording
        audio_file, names, filename = recording.audio_file, list(recording.names or []), recording.original_filename
        recording_id = recording.id
    progress = ProgressWriter(ctx, job_id, stop)
    started = time.perf_counter()
    try:
        if audio_file is None:
            raise AudioDeleted(f"{filename}: the audio has been deleted")
        with ctx.audio.decrypted_file(audio_file) as path:
            try:
                transcript = transcribe_file(path, ctx.settings, names=names, on_progress=progress)
            except CasenoteError as exc:
                # Messages name the file; show the worker's file name, not the in-memory path.
                raise type(exc)(str(exc).replace(str(path), filename)) from None
        progress.set(stage="drafting", progress=TRANSCRIBE_SHARE)
        from pipeline.draft import draft_note  # imported here: spaCy loads only when a draft is made

        note = draft_note(transcript, ctx.settings, names=names)  # the names help it tell people apart
        with ctx.session_factory() as db:
            draft = create_draft(db, db.get(Recording, recording_id), note, ctx.settings)
            db.execute(update(Job).where(Job.id == job_id).values(
                status="done", stage=None, progress=1.0, updated_at=utcnow(), finished_at=utcnow()))
            record_event(db, None, "drafted", "draft", draft.id, job_id=job_id, recording_id=recording_id)
            db.commit()
        logger.info("job %d done in %.1f s (draft %d)", job_id, time.perf_counter() - started, draft.id)
    except JobStopped:
        with ctx.session_factory() as db:
            db.execute(update(Job).where(Job.id == job_id).values(status="queued", stage=None, progress=0.0,
                                                                 updated_at=utcnow()))
            db.commit()
        logger.info("job %d stopped by shutdown; it will run again at the next start", job_id)
    except AudioIntegrityError:
        _fail(ctx, job_id, AudioIntegrityError.code, f"{filename}: the stored audio does not decrypt (the file is "
                                                     "damaged, or CASENOTE_AUDIO_KEY / audio.key has changed)")
    except CasenoteError as exc:
        _fail(ctx, job_id, exc.code, str(exc))
    except Exception as exc:  # a bug or a resource problem: keep the audio, let the worker retry
        logger.error("job %d failed with %s\n%s", job_id, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        _fail(ctx, job_id, "internal_error",
              f"transcription failed unexpectedly ({type(exc).__name__}); the audio is kept; retry the job")


def _fail(ctx: ServiceContext, job_id: int, code: str, message: str) -> None:
    logger.warning("job %d failed: %s", job_id, code)
    with ctx.session_factory() as db:
        db.execute(update(Job).where(Job.id == job_id).values(
            status="failed", stage=None, error_code=code, error=message[:2000], updated_at=utcnow(),
            finished_at=utcnow()))
        db.commit()


def draft_for_job(db: Session, job: Job) -> int | None:
    return db.scalar(select(Draft.id).where(Draft.recording_id == job.recording_id))
