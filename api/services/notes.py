"""Sign-off: a draft becomes an immutable ``ConfirmedNote`` with the SHA-256 of its
content. Only a confirmed note is ever exported or delivered."""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Draft, User
from api.db.types import utcnow
from api.delivery.outbox import enqueue_deliveries
from api.services.drafts import check_editable, get_draft, version_conflict
from api.services.review import confirm_problems
from api.services.scope import find_visible, visible_to
from models.cin_codes import cin_factors
from models.draft import DraftNote
from models.errors import ConfirmRefused
from models.record import (ConfirmedFactor, ConfirmedNote, ConfirmedSection, Decision, DraftStatus,
                           ReviewState, canonical_json)
from models.settings import Settings

logger = logging.getLogger(__name__)


def confirm_draft(db: Session, user: User, draft_id: int, settings: Settings,
                  expected_version: int | None = None) -> ConfirmedNote:
    """Sign the draft off; its deliveries are queued in the same transaction (the caller
    commits, then wakes the delivery workers)."""
    draft = get_draft(db, user, draft_id)
    check_editable(user, draft)
    if expected_version is not None and expected_version != draft.version:
        raise version_conflict(db, draft.id, expected_version)
    state = ReviewState.model_validate_json(draft.state_json)
    problems = confirm_problems(state, draft.required_sections)
    if problems:
        raise ConfirmRefused(problems)

    note = build_confirmed_note(draft, state, user)
    result = db.execute(update(Draft).where(Draft.id == draft.id, Draft.version == draft.version,
                                            Draft.status == DraftStatus.draft.value)
                        .values(status=DraftStatus.confirmed.value, updated_at=note.confirmed_at,
                                updated_by_id=user.id)
                        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.rollback()
        raise version_conflict(db, draft_id, draft.version)
    row = ConfirmedNoteRow(draft_id=draft.id, content_json=canonical_json(note.content()).decode("utf-8"),
                           content_sha256=note.content_sha256, owner_id=draft.owner_id, team=draft.team,
                           confirmed_by_id=user.id, confirmed_at=note.confirmed_at)
    db.add(row)
    db.flush()
    note.id = row.id
    record_event(db, user, "confirm", "draft", draft.id, note_id=row.id, version=draft.version,
                 content_sha256=note.content_sha256)
    enqueue_deliveries(db, row, settings)
    return note


def build_confirmed_note(draft: Draft, state: ReviewState, user: User) -> ConfirmedNote:
    drafted = DraftNote.model_validate_json(draft.note_json)
    evidence = {s.code: s.evidence for s in drafted.factor_suggestions}
    labels = cin_factors()
    factors = [ConfirmedFactor(code=f.code, label=labels[f.code].label if f.code in labels else f.code,
                               source=f.source, evidence=evidence.get(f.code, []) if f.source == "suggested" else [])
               for f in state.factors if f.decision == Decision.accepted]
    note = ConfirmedNote(
        id=0, draft_id=draft.id, case_reference=draft.recording.case_reference,
        recorded_at=draft.recording.recorded_at, visit_date=state.visit_date, worker=draft.owner.username,
        confirmed_by=user.username, confirmed_at=utcnow(),
        # Optional sections left empty are not part of the record.
        sections=[ConfirmedSection(key=s.key, title=s.title, text=s.text.strip())
                  for s in state.sections if s.text.strip()],
        visit=state.visit, factors=factors, content_sha256="")
    note.content_sha256 = note.compute_sha256()
    return note


def find_note(db: Session, user: User, note_id: int) -> ConfirmedNoteRow:
    return find_visible(db, user, ConfirmedNoteRow, note_id, "confirmed note")


def get_note(db: Session, user: User, note_id: int, *, action: str = "view", **detail) -> ConfirmedNote:
    """The confirmed note, audited as ``action`` (exports pass action='export', format=...)."""
    row = find_note(db, user, note_id)
    record_event(db, user, action, "note", row.id, **detail)
    return row.to_note()


def list_notes(db: Session, user: User, *, limit: int, offset: int) -> list[ConfirmedNote]:
    rows = db.scalars(select(ConfirmedNoteRow).where(
        visible_to(user, ConfirmedNoteRow.owner_id, ConfirmedNoteRow.team))
        .order_by(ConfirmedNoteRow.id.desc()).limit(limit).offset(offset))
    return [row.to_note() for row in rows]
