"""Recordings: create one (with its job) from an accepted upload, find, list, describe."""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Draft, Job, Recording, User
from api.db.types import utcnow
from api.engine.schedule import schedule_transcription
from api.schemas import JobOut, RecordingAccepted, RecordingOut
from api.services.audio_check import AudioInfo
from api.services.children import parse_child_references, same_child, undecided_pairs
from api.services.scope import find_visible, visible_to
from api.services.upload import ReceivedUpload
from models.errors import IdempotencyKeyReused, NotFound
from models.record import ReviewState
from models.text import check_identifier, clean_prose
from pipeline.transcription.vocabulary import parse_names

logger = logging.getLogger(__name__)


class RecordingForm(BaseModel):
    """The text fields sent with the audio."""

    case_reference: str = Field(min_length=1, max_length=64)
    names: str | None = Field(None, max_length=2000, description='People in the recording: "Kayden Price, Leanne"')
    recorded_at: datetime | None = Field(None, description="When it was recorded (ISO 8601); default: now")
    child_references: dict[str, str] = Field(
        {}, description="A family visit: each child's case reference, 'Mia: CIN-1001; Tyler: CIN-1002' "
                        "(case_reference is then the family's)")

    @field_validator("child_references", mode="before")
    @classmethod
    def parse_references(cls, value):
        if isinstance(value, str) and len(value) > 2000:
            raise ValueError("at most 2000 characters")
        return parse_child_references(value) if isinstance(value, str) or value is None else value

    @field_validator("case_reference")
    @classmethod
    def identifier(cls, value: str) -> str:
        """Refused (422 naming the character) rather than cleaned: an identifier that
        silently lost a character could name another child."""
        value = check_identifier(value, "case reference")
        if not value:
            raise ValueError("the case reference is empty")
        return value

    @field_validator("names")
    @classmethod
    def prose(cls, value: str | None) -> str | None:
        return clean_prose(value) if value is not None else None


def create_recording(db: Session, user: User, upload: ReceivedUpload, info: AudioInfo,
                     form: RecordingForm, idempotency_key: str | None = None) -> tuple[Recording, Job]:
    recorded_at = form.recorded_at or utcnow()
    if recorded_at.tzinfo is None:
        recorded_at = recorded_at.astimezone()  # a local time from the client's clock
    recording = Recording(
        owner_id=user.id, idempotency_key=idempotency_key, team=user.team, case_reference=form.case_reference,
        names=_with_children(parse_names(form.names), form.child_references),
        child_references=form.child_references,
        original_filename=upload.filename, content_type=info.media_type, audio_format=info.format_name,
        size_bytes=upload.size, audio_sha256=upload.sha256, audio_file=upload.audio_file,
        duration_s=info.duration_s, recorded_at=recorded_at, created_at=utcnow())
    db.add(recording)
    db.flush()
    job = Job(recording_id=recording.id, status="queued", progress=0.0, attempts=0)
    db.add(job)
    db.flush()
    schedule_transcription(db, job.id)  # on PostgreSQL: the engine's job, committed with this row
    record_event(db, user, "upload", "recording", recording.id, job_id=job.id, bytes=upload.size,
                 format=info.format_name, duration_s=info.duration_s)
    return recording, job


def _with_children(names: list[str], references: dict[str, str]) -> list[str]:
    """The children named with their references help the recogniser spell them too."""
    return names + [name for name in references if not any(same_child(name, known) for known in names)]


def store_recording(db: Session, user: User, upload: ReceivedUpload, info: AudioInfo, form: RecordingForm,
                    idempotency_key: str | None) -> tuple[RecordingAccepted, bool]:
    """Save the recording and its job; returns (accepted, created). With a key that
    names a recording already stored, nothing new is made and that recording's ids
    come back (created False): the UNIQUE (owner_id, idempotency_key) constraint
    settles two requests racing with the same key, whichever commits first wins."""
    try:
        recording, job = create_recording(db, user, upload, info, form, idempotency_key)
        db.commit()
        return _accepted(recording.id, job.id), True
    except IntegrityError:
        db.rollback()
        earlier = repeat_of(db, user, idempotency_key, upload, form) if idempotency_key else None
        if earlier is None:
            raise
        return earlier, False


def repeat_of(db: Session, user: User, idempotency_key: str, upload: ReceivedUpload,
              form: RecordingForm) -> RecordingAccepted | None:
    """The recording already stored under this key (audited as a repeat and committed),
    or None. The same key with different audio or another case is a client's mistake,
    not a retry: 422, and the first recording stays as it was."""
    recording = db.scalar(select(Recording).where(Recording.owner_id == user.id,
                                                  Recording.idempotency_key == idempotency_key))
    if recording is None:
        return None
    if recording.audio_sha256 != upload.sha256 or recording.case_reference != form.case_reference:
        raise IdempotencyKeyReused(recording.id)
    job_id = db.scalar(select(Job.id).where(Job.recording_id == recording.id).order_by(Job.id.desc()).limit(1))
    record_event(db, user, "upload_repeat", "recording", recording.id, job_id=job_id, bytes=upload.size)
    db.commit()
    logger.info("upload with a known idempotency key: recording %s, job %s, nothing stored", recording.id, job_id)
    return _accepted(recording.id, job_id)


def _accepted(recording_id: int, job_id: int) -> RecordingAccepted:
    return RecordingAccepted(recording_id=recording_id, job_id=job_id, job_url=f"/api/jobs/{job_id}")


def get_recording(db: Session, user: User, recording_id: int) -> Recording:
    return find_visible(db, user, Recording, recording_id, "recording")


def get_job(db: Session, user: User, job_id: int) -> Job:
    job = db.scalar(select(Job).join(Recording).where(
        Job.id == job_id, visible_to(user, Recording.owner_id, Recording.team)))
    if job is None:
        raise NotFound("job")
    return job


def job_out(job: Job, draft_id: int | None) -> JobOut:
    return JobOut(id=job.id, recording_id=job.recording_id, status=job.status, stage=job.stage,
                  progress=round(job.progress, 3), attempts=job.attempts, error_code=job.error_code,
                  error=job.error, created_at=job.created_at, started_at=job.started_at,
                  finished_at=job.finished_at, draft_id=draft_id, worker=job.worker)


def list_recordings(db: Session, user: User, *, limit: int, offset: int) -> list[RecordingOut]:
    recordings = list(db.scalars(
        select(Recording).where(visible_to(user, Recording.owner_id, Recording.team))
        .order_by(Recording.id.desc()).limit(limit).offset(offset)))
    ids = [r.id for r in recordings]
    jobs: dict[int, Job] = {}
    for job in db.scalars(select(Job).where(Job.recording_id.in_(ids)).order_by(Job.id)):
        jobs[job.recording_id] = job  # the latest job per recording
    drafts = {d.recording_id: d for d in db.scalars(select(Draft).where(Draft.recording_id.in_(ids)))}
    notes = _note_ids(db, [d.id for d in drafts.values()])
    return [recording_out(r, jobs.get(r.id), drafts.get(r.id), notes) for r in recordings]


def _note_ids(db: Session, draft_ids: list[int]) -> dict[int, list[int]]:
    """draft id -> the ids of the notes signed from it (one per child)."""
    notes: dict[int, list[int]] = {}
    for draft_id, note_id in db.execute(select(ConfirmedNoteRow.draft_id, ConfirmedNoteRow.id).where(
            ConfirmedNoteRow.draft_id.in_(draft_ids)).order_by(ConfirmedNoteRow.id)):
        notes.setdefault(draft_id, []).append(note_id)
    return notes


def describe_recording(db: Session, recording: Recording) -> RecordingOut:
    job = db.scalar(select(Job).where(Job.recording_id == recording.id).order_by(Job.id.desc()).limit(1))
    draft = db.scalar(select(Draft).where(Draft.recording_id == recording.id))
    notes = _note_ids(db, [draft.id]) if draft is not None else {}
    return recording_out(recording, job, draft, notes)


def recording_out(recording: Recording, job: Job | None, draft: Draft | None,
                  notes: dict[int, list[int]]) -> RecordingOut:
    undecided, day, time, children = None, None, None, []
    if draft is not None:
        # As stored (a list does not upgrade every draft: a draft stored before children were
        # reviewed one by one shows no visit day and no children until it is opened).
        state = ReviewState.model_validate_json(draft.state_json)
        undecided = len(undecided_pairs(state))
        day, time = state.visit_day, state.visit_time
        children = [c.name for c in state.active_children()]
    note_ids = notes.get(draft.id, []) if draft else []
    available = recording.audio_file is not None
    return RecordingOut(
        id=recording.id, case_reference=recording.case_reference, worker=recording.owner.username,
        recorded_at=recording.recorded_at, created_at=recording.created_at,
        original_filename=recording.original_filename, media_type=recording.content_type,
        size_bytes=recording.size_bytes, duration_s=recording.duration_s, audio_available=available,
        audio_url=f"/api/recordings/{recording.id}/audio" if available else None,
        job=job_out(job, draft.id if draft else None) if job else None,
        draft_id=draft.id if draft else None, draft_status=draft.status if draft else None,
        draft_version=draft.version if draft else None, undecided=undecided,
        note_id=note_ids[0] if note_ids else None, note_ids=note_ids, visit_day=day, visit_time=time,
        children=children, child_references=recording.child_references or {})
