"""Background jobs: transcribe a recording, then draft the note. Jobs are database
rows, so a restart picks up what was queued or interrupted; a failed job keeps its
audio and error and can be retried.

Whoever runs a job (the in-process worker on SQLite, any ``casenote worker`` on
PostgreSQL) first claims it: a fresh ``claim_token`` on the row. Every write of that
run names its token (progress, requeue, failure, the finished draft), so a run whose job
was taken over (its worker was presumed dead) can no longer change the job, and the
draft is written in the same transaction that checks the token: one draft per
recording, whoever finishes first."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import Draft, Job, Recording, User
from api.db.types import utcnow
from api.engine.schedule import schedule_transcription
from api.exports.record import display_zone
from api.services.context import ServiceContext
from api.services.drafts import create_draft
from api.services.scope import may_edit
from models.errors import (AudioDeleted, AudioIntegrityError, CasenoteError, JobNotFailed, NoAudioToRetry,
                           NoSpeech, NotEditable)

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 1.0  # at most one progress write per second
TRANSCRIBE_SHARE = 0.9  # transcription is this part of the progress bar; drafting the rest
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"


class JobStopped(Exception):
    """The process is shutting down: the job goes back to the queue."""


class JobLost(Exception):
    """Another run took this job over (this one's worker was presumed dead): stop, write nothing."""


def _claim_values(token: str) -> dict:
    now = utcnow()
    return dict(status="running", stage="transcribing", progress=0.0, attempts=Job.attempts + 1, started_at=now,
                updated_at=now, finished_at=None, error=None, error_code=None, claim_token=token,
                worker=WORKER_NAME)


def claim_next_job(db: Session) -> int | None:
    """The in-process worker (SQLite): the oldest queued job, now running under a new token."""
    job_id = db.scalar(select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1))
    if job_id is None:
        db.rollback()
        return None
    claimed = db.execute(update(Job).where(Job.id == job_id, Job.status == "queued")
                         .values(**_claim_values(secrets.token_hex(16))))
    db.commit()
    return job_id if claimed.rowcount == 1 else None


def take_over_job(db: Session, job_id: int) -> str | None:
    """The engine's worker (PostgreSQL): claim job ``job_id`` if it still has work to do,
    queued or left running by a run that is gone (the caller holds the job's advisory
    lock, so no live run holds it). Its token, or None when the job is done or failed."""
    token = secrets.token_hex(16)
    claimed = db.execute(update(Job).where(Job.id == job_id, Job.status.in_(("queued", "running")))
                         .values(**_claim_values(token)))
    db.commit()
    return token if claimed.rowcount == 1 else None


def requeue_interrupted(db: Session) -> int:
    """At start-up on SQLite: jobs left 'running' were cut off by a crash or kill. One
    service process owns a SQLite database, so every running job at start is an
    interrupted one. (On PostgreSQL the engine finds the jobs of dead workers.)"""
    result = db.execute(update(Job).where(Job.status == "running").values(
        status="queued", stage=None, progress=0.0, claim_token=None, updated_at=utcnow()))
    db.commit()
    if result.rowcount:
        logger.warning("requeued %d interrupted job(s)", result.rowcount)
    return result.rowcount


def retry_job(db: Session, user: User, job: Job) -> Job:
    if not may_edit(user, job.recording.owner_id, job.recording.team):
        raise NotEditable("only the worker who recorded it, or their team's manager, can retry this job")
    if job.status != "failed":
        raise JobNotFailed(f"only a failed job can be retried; this one is {job.status}")
    if job.recording.audio_file is None:
        raise NoAudioToRetry("the audio of this recording has been deleted")
    job.status, job.stage, job.progress, job.updated_at = "queued", None, 0.0, utcnow()
    job.error = job.error_code = None
    job.finished_at = None
    job.claim_token = None
    record_event(db, user, "retry", "job", job.id, recording_id=job.recording_id)
    schedule_transcription(db, job.id)
    return job


class ProgressWriter:
    """The ``on_progress`` callback: stores progress on the job row (throttled, only
    while this run holds it), and stops the transcription when the process is shutting
    down or the job was taken over."""

    def __init__(self, ctx: ServiceContext, job_id: int, token: str, stop: threading.Event) -> None:
        self.ctx, self.job_id, self.token, self.stop = ctx, job_id, token, stop
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
            written = db.execute(update(Job).where(Job.id == self.job_id, Job.status == "running",
                                                   Job.claim_token == self.token)
                                 .values(updated_at=utcnow(), **values))
            db.commit()
        if written.rowcount != 1:
            raise JobLost()


def run_job(ctx: ServiceContext, job_id: int, token: str, stop: threading.Event) -> None:
    """Transcribe and draft under the claim ``token``; the outcome is written only while
    the token still holds the job."""
    from pipeline.transcription.transcribe import transcribe_file

    with ctx.session_factory() as db:
        job = db.get(Job, job_id)
        recording = job.recording
        audio_file, names, filename = recording.audio_file, list(recording.names or []), recording.original_filename
        recording_id, attempt, duration_s = recording.id, job.attempts, recording.duration_s
        # The day of the recording where it was made: a visit day said without a year resolves against it.
        recorded_on = recording.recorded_at.astimezone(display_zone(ctx.settings.export_timezone)).date()
    logger.info("job %d (recording %d): transcribing, attempt %d, on %s", job_id, recording_id, attempt, WORKER_NAME)
    progress = ProgressWriter(ctx, job_id, token, stop)
    started = time.perf_counter()
    try:
        if audio_file is None:
            raise AudioDeleted(f"{filename}: the audio has been deleted")
        prepare_transcription(ctx, audio_file, filename, duration_s)
        with ctx.audio.decrypted_file(audio_file) as path:
            try:
                transcript = transcribe_file(path, ctx.settings, names=names, on_progress=progress)
            except CasenoteError as exc:
                # Messages name the file; show the worker's file name, not the in-memory path.
                raise type(exc)(str(exc).replace(str(path), filename)) from None
        progress.set(stage="drafting", progress=TRANSCRIBE_SHARE)
        from pipeline.draft import draft_note  # imported here: spaCy loads only when a draft is made

        # The names help it tell people apart.
        note = draft_note(transcript, ctx.settings, names=names, recorded_on=recorded_on)
        draft_id = _finish(ctx, job_id, token, recording_id, note)
        logger.info("job %d done in %.1f s (draft %d)", job_id, time.perf_counter() - started, draft_id)
    except JobStopped:
        _requeue(ctx, job_id, token)
        logger.info("job %d stopped by shutdown; it goes back to the queue", job_id)
    except JobLost:
        logger.warning("job %d was taken over by another run; this run (on %s) stops and writes nothing",
                       job_id, WORKER_NAME)
    except AudioIntegrityError:
        _fail(ctx, job_id, token, AudioIntegrityError.code, f"{filename}: the stored audio does not decrypt (it is "
                                                            "damaged, or CASENOTE_AUDIO_KEY / audio.key has changed)")
    except CasenoteError as exc:
        _fail(ctx, job_id, token, exc.code, str(exc))
    except Exception as exc:  # a bug or a resource problem: keep the audio, let the worker retry
        logger.error("job %d failed with %s\n%s", job_id, type(exc).__name__,
                     "".join(traceback.format_tb(exc.__traceback__)))
        _fail(ctx, job_id, token, "internal_error",
              f"transcription failed unexpectedly ({type(exc).__name__}); the audio is kept; retry the job")


# Below this much sound a recording holds no sentence: the job ends as "no speech"
# without the recogniser (whose voice detection alone takes ~0.3 GB per block).
MIN_SOUND_S = 1.0


def prepare_transcription(ctx: ServiceContext, audio_file: str, filename: str, duration_s: float | None) -> None:
    """What keeps a long recording's job cheap before the recogniser decodes it whole:
    a streamed pass (the transcription stage's own check, ~35 MB at any length) that
    ends a near-silent recording at once as "no speech" (an outside test's 3-hour FLAC
    of silence with a 0.3 s tone peaked at 2.1 GB); then the model, loaded before the
    audio, since loading briefly takes twice its resident size. Short recordings (one
    recognition block) go straight to the recogniser: its voice detection is cheap there."""
    from pipeline.transcription.asr_model import load_model
    from pipeline.transcription.audio import SOUND_DBFS, check_audio
    from pipeline.transcription.transcribe import model_spec

    if duration_s is None or duration_s > ctx.settings.asr_block_seconds:
        checked = check_audio(Path(filename), max_seconds=ctx.settings.max_audio_seconds,
                              opener=lambda: ctx.audio.open_plain(audio_file))
        if checked.sound_s < MIN_SOUND_S:
            length = f"{checked.duration_s / 60:.0f} minutes" if checked.duration_s >= 120 else \
                f"{checked.duration_s:.0f} s"
            raise NoSpeech(f"{filename}: no speech: only {checked.sound_s:.1f} s of the {length} reach "
                           f"{SOUND_DBFS:.0f} dBFS, too little for a sentence (the audio is kept)")
    load_model(model_spec(ctx.settings))


def _holds(db: Session, job_id: int, token: str) -> bool:
    """Whether ``token`` still holds the job; on PostgreSQL the row stays locked until the
    transaction ends, so no other run can take it between this check and the commit."""
    held = db.scalar(select(Job.claim_token).where(Job.id == job_id, Job.status == "running")
                     .with_for_update())
    return held == token


def _finish(ctx: ServiceContext, job_id: int, token: str, recording_id: int, note) -> int:
    with ctx.session_factory() as db:
        if not _holds(db, job_id, token):
            db.rollback()
            raise JobLost()
        draft = create_draft(db, db.get(Recording, recording_id), note, ctx.settings)
        db.execute(update(Job).where(Job.id == job_id).values(
            status="done", stage=None, progress=1.0, updated_at=utcnow(), finished_at=utcnow(), claim_token=None))
        record_event(db, None, "drafted", "draft", draft.id, job_id=job_id, recording_id=recording_id)
        db.commit()
        return draft.id


def _requeue(ctx: ServiceContext, job_id: int, token: str) -> None:
    with ctx.session_factory() as db:
        if _holds(db, job_id, token):
            db.execute(update(Job).where(Job.id == job_id).values(status="queued", stage=None, progress=0.0,
                                                                 claim_token=None, updated_at=utcnow()))
            schedule_transcription(db, job_id)
        db.commit()


def _fail(ctx: ServiceContext, job_id: int, token: str, code: str, message: str) -> None:
    logger.warning("job %d failed: %s", job_id, code)
    with ctx.session_factory() as db:
        if _holds(db, job_id, token):
            db.execute(update(Job).where(Job.id == job_id).values(
                status="failed", stage=None, error_code=code, error=message[:2000], updated_at=utcnow(),
                finished_at=utcnow(), claim_token=None))
        db.commit()


def draft_for_job(db: Session, job: Job) -> int | None:
    return db.scalar(select(Draft.id).where(Draft.recording_id == job.recording_id))
