"""Request and response bodies of the HTTP API (the review-state schema itself,
shared with other stages, lives in ``models/record.py``)."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field

from models.record import ConfirmedNote


class UserOut(BaseModel):
    id: int
    username: str
    role: str
    team: str | None
    active: bool


class LoginRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class SignedIn(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="Send back as the X-CSRF-Token header on POST/PATCH/DELETE")


class PasswordChange(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class NewUser(BaseModel):
    username: str
    password: str = Field(max_length=1024)
    role: str = "worker"
    team: str | None = None


class TokenIssued(BaseModel):
    token: str = Field(description="Shown once: send as 'Authorization: Bearer <token>'")


class JobOut(BaseModel):
    id: int
    recording_id: int
    status: str = Field(description="queued, running, done or failed")
    stage: str | None = Field(None, description="transcribing or drafting while running")
    progress: float = Field(description="0..1")
    attempts: int
    error_code: str | None = None
    error: str | None = Field(None, description="Why it failed, in a line the worker can act on")
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    draft_id: int | None = None
    worker: str | None = Field(None, description="The process (host:pid) that runs it, or ran it last")


class RecordingAccepted(BaseModel):
    recording_id: int
    job_id: int
    job_url: str


class RecordingOut(BaseModel):
    id: int
    case_reference: str
    worker: str
    recorded_at: datetime
    created_at: datetime
    original_filename: str
    media_type: str
    size_bytes: int
    duration_s: float | None
    audio_available: bool
    audio_url: str | None
    job: JobOut | None
    draft_id: int | None = None
    draft_status: str | None = None
    draft_version: int | None = None
    undecided: int | None = Field(None, description="Suggestions (per child) not yet accepted or rejected")
    note_id: int | None = Field(None, description="The first (or only) confirmed note")
    note_ids: list[int] = Field([], description="Every confirmed note of the visit: one per child")
    visit_day: date | None = Field(None, description="Day of the visit, as the draft's review has it")
    visit_time: time | None = Field(None, description="Time of the visit; null: not known")
    children: list[str] = Field([], description="The children of the visit, as the draft's review has them")
    child_references: dict[str, str] = Field({}, description="Each child's case reference given at upload")


class ConfirmFix(BaseModel):
    text: str
    field: str = Field(description="The id of the review screen's element that puts it right")


class DraftSaved(BaseModel):
    id: int
    version: int
    updated_at: datetime
    undecided: list[str]
    census_problems: list[str]
    confirm_problems: list[str]
    confirm_fixes: list[ConfirmFix] = Field([], description="The same, one item per thing to put right (each "
                                                            "empty section on its own), with the review screen's "
                                                            "field that puts it right")
    text_changed: bool = Field(False, description="This save changed a section's text: the drafting rules run "
                                                  "again on it when the draft is next read (GET), which then shows "
                                                  "the suggestions and the untouched fields as the text now says")


class DraftVersionOut(BaseModel):
    version: int
    created_at: datetime
    created_by: str | None


class CinFactorOut(BaseModel):
    code: str
    family: str
    label: str
    description: str


class ConfirmedVisit(ConfirmedNote):
    """What confirming a draft answers: the first (or only) child's note, as before one
    note per child, and ``notes``: every note the visit signed, one per child, each with
    its own case reference, hash, exports and deliveries."""

    notes: list[ConfirmedNote]
