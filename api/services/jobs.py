"""Background jobs: transcribe a recording, then draft the note. Jobs are database
rows, so a restart picks up what was queued or interrupted; a failed job keeps its
audio and error and can be retried."""

from __future__ import annotations

import logging
import threading
import time
import traceback
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import Draft, Job, Recording, User
from api.db.types import utcnow
from api.exports.record import display_zone
from api.services.context import ServiceContext
from api.services.drafts import create_draft
from api.services.scope import may_edit
from models.errors import (AudioDeleted, AudioIntegrityError, CasenoteError, JobNotFailed, NoAudioToRetry,
                           NoSpeech, NotEditable)

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
    if not may_edit(user, job.recording.owner_id, job.recording.team):
        raise NotEditable("only the worker who recorded it, or their team's manager, can retry this job")
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
        recording_id, duration_s = recording.id, recording.duration_s
        # The day of the recording where it was made: a visit day said without a year resolves against it.
        recorded_on = recording.recorded_at.astimezone(display_zone(ctx.settings.export_timezone)).date()
    progress = ProgressWriter(ctx, job_id, stop)
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


def _fail(ctx: ServiceContext, job_id: int, code: str, message: str) -> None:
    logger.warning("job %d failed: %s", job_id, code)
    with ctx.session_factory() as db:
        db.execute(update(Job).where(Job.id == job_id).values(
            status="failed", stage=None, error_code=code, error=message[:2000], updated_at=utcnow(),
            finished_at=utcnow()))
        db.commit()


def draft_for_job(db: Session, job: Job) -> int | None:
    return db.scalar(select(Draft.id).where(Draft.recording_id == job.recording_id))
