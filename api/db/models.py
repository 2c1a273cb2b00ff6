"""The service's tables. The schema itself is made by the Alembic migrations in
``api/migrations``; these classes must match them (a test compares the two)."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import (JSON, BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, String,
                        Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from api.db.types import EncryptedJSON, EncryptedText, UTCDateTime, utcnow
from models.record import ConfirmedNote
from models.text import without_lone_surrogates

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # worker, manager, admin
    team: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A signed-in browser. The cookie holds the signed token; only its hash is stored."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class ApiToken(Base):
    """A bearer token for an integration (the dictation recorder, a case system)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


class Recording(Base):
    __tablename__ = "recordings"
    # A client's Idempotency-Key names one recording of its owner: a retried upload
    # cannot make a second row, even when two attempts race (the database decides).
    __table_args__ = (UniqueConstraint("owner_id", "idempotency_key",
                                       name="uq_recordings_owner_id_idempotency_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(128))  # None: sent without one
    team: Mapped[str | None] = mapped_column(String(64), index=True)  # the owner's team when uploaded
    case_reference: Mapped[str] = mapped_column(String(64))
    names: Mapped[list] = mapped_column(EncryptedJSON("recordings.names"), default=list)  # people in it
    # Each child's case reference given at upload, {name: reference} (children's names: encrypted
    # like the others); None: uploaded before there were any.
    child_references: Mapped[dict | None] = mapped_column(EncryptedJSON("recordings.child_references"),
                                                          default=dict)
    original_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))
    audio_format: Mapped[str] = mapped_column(String(32))
    size_bytes: Mapped[int] = mapped_column(Integer)
    audio_sha256: Mapped[str] = mapped_column(String(64))  # of the plain audio, to check it decrypts intact
    audio_file: Mapped[str | None] = mapped_column(String(128))  # name under data_dir/audio; None once deleted
    duration_s: Mapped[float | None] = mapped_column(Float)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    audio_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[User] = relationship(lazy="joined")


class Job(Base):
    """Transcribe-and-draft work for one recording. Rows, not memory: a restart resumes them."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_id", "status", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    stage: Mapped[str | None] = mapped_column(String(16))  # transcribing, drafting
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Who runs it now: a fresh token per run; every write of a run names its token, so a
    # run that lost the job (its worker was presumed dead) can no longer change it.
    claim_token: Mapped[str | None] = mapped_column(String(32))
    worker: Mapped[str | None] = mapped_column(String(128))  # host:pid of the process that ran it last
    error_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recording: Mapped[Recording] = relationship(lazy="joined")


class Draft(Base):
    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id"), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft, confirmed
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The DraftNote as drafted (with the transcript); never changes. Encrypted at rest, as
    # every text of a note (api/db/text_cipher.py).
    note_json: Mapped[str] = mapped_column(EncryptedText("drafts.note_json"))
    state_json: Mapped[str] = mapped_column(EncryptedText("drafts.state_json"))  # the current ReviewState
    required_sections: Mapped[list] = mapped_column(JSON)  # keys the template requires, fixed when drafted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    recording: Mapped[Recording] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(foreign_keys=[owner_id], lazy="joined")
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


class DraftVersion(Base):
    """Every autosave is a new row: the history of a draft is never overwritten."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("draft_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    version: Mapped[int] = mapped_column(Integer)
    state_json: Mapped[str] = mapped_column(EncryptedText("draft_versions.state_json"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConfirmedNoteRow(Base):
    """The signed record. ``content_json`` holds exactly the bytes that were hashed;
    database triggers refuse UPDATE and DELETE."""

    __tablename__ = "confirmed_notes"
    # A family visit signs one note per child: several rows per draft, one per child.
    __table_args__ = (UniqueConstraint("draft_id", "child_key", name="uq_confirmed_notes_draft_id_child_key"),
                      Index("ix_confirmed_notes_draft_id", "draft_id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id"))
    child_key: Mapped[str | None] = mapped_column(String(24))  # ReviewChild.key; None: signed before children
    content_json: Mapped[str] = mapped_column(EncryptedText("confirmed_notes.content_json"))
    content_sha256: Mapped[str] = mapped_column(String(64))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team: Mapped[str | None] = mapped_column(String(64), index=True)
    confirmed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def to_note(self) -> ConfirmedNote:
        """The signed record as stored: its content, with this row's id and hash. Half of
        a surrogate pair (which no page, export or JSON answer can carry) reads as U+FFFD;
        the stored content and its hash stay as they were signed."""
        content = without_lone_surrogates(json.loads(self.content_json))
        return ConfirmedNote.model_validate({**content, "id": self.id, "content_sha256": self.content_sha256})


class AuditEvent(Base):
    """Append-only (triggers refuse UPDATE and DELETE). Who did what to which object;
    never note text."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer)  # no foreign key: the log outlives accounts
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class SignInFailure(Base):
    """A failed (or not yet finished) sign-in for a user name, for the sign-in throttle.
    Rows older than the throttle window are deleted; a successful sign-in deletes the
    user name's rows."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_username_at", "username", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """The delivery outbox (``api/delivery/outbox.py``): one row per confirmed note and
    connector, added in the confirmation's own transaction."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("note_id", "connector", name="uq_deliveries_note_id_connector"),
        Index("ix_deliveries_due", "connector", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("confirmed_notes.id"), index=True)
    connector: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending, delivered, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # an attempt is in progress
    claim_token: Mapped[str | None] = mapped_column(String(32))  # the attempt in progress; only it records a failure
    last_error: Mapped[str | None] = mapped_column(Text)  # short reason; never note text
    receipt: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # this round of attempts (None: created_at)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AudioObject(Base):
    """A recording's encrypted audio kept in the database (PostgreSQL deployments, where
    every process on every machine must reach it). Same format as an audio file: the
    file id and sealed chunks, each authenticated with the file id, its index and
    whether it is the last (``api/services/audio_store.py``)."""

    __tablename__ = "audio_objects"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[bytes] = mapped_column(LargeBinary(16))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)  # false while the upload streams in
    chunks: Mapped[int] = mapped_column(Integer, default=0)
    sealed_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AudioChunk(Base):
    __tablename__ = "audio_chunks"

    name: Mapped[str] = mapped_column(ForeignKey("audio_objects.name", ondelete="CASCADE"), primary_key=True)
    chunk_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # nonce | ciphertext | tag
