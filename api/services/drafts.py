"""Drafts in storage: made when a job finishes, read with their state, autosaved with
optimistic concurrency (If-Match), every save a new version."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Draft, DraftVersion, Recording, User
from api.db.types import utcnow
from api.schemas import DraftSaved, DraftVersionOut
from api.exports.record import display_zone
from api.services.children import needs_upgrade, upgrade_state
from api.services.review import (Changes, apply_edits, census_problems, confirm_problems, initial_state,
                                 required_section_keys, undecided_codes)
from api.services.scope import can_see, find_visible, may_edit
from models.draft import DraftNote
from models.errors import DraftConfirmed, NotEditable, NotFound, VersionConflict
from models.record import DraftEdits, DraftStatus, DraftView, ReviewState
from models.settings import Settings

logger = logging.getLogger(__name__)


def create_draft(db: Session, recording: Recording, note: DraftNote, settings: Settings) -> Draft:
    state = initial_state(note, references=recording.child_references or {}, recorded_at=recording.recorded_at,
                          zone=display_zone(settings.export_timezone))
    now = utcnow()
    draft = Draft(recording_id=recording.id, owner_id=recording.owner_id, team=recording.team,
                  status=DraftStatus.draft.value, version=1, note_json=note.model_dump_json(),
                  state_json=state.model_dump_json(), required_sections=required_section_keys(note, settings),
                  created_at=now, updated_at=now, updated_by_id=None)
    db.add(draft)
    db.flush()
    db.add(DraftVersion(draft_id=draft.id, version=1, state_json=draft.state_json, created_by_id=None,
                        created_at=now))
    return draft


def get_draft(db: Session, user: User, draft_id: int) -> Draft:
    return find_visible(db, user, Draft, draft_id, "draft")


def review_state(state_json: str, note: DraftNote | Callable[[], DraftNote], settings: Settings) -> ReviewState:
    """The stored review state, in today's shape: a state stored before children were
    reviewed one by one is upgraded on reading (the draft's note is read only then)."""
    state = ReviewState.model_validate_json(state_json)
    if needs_upgrade(state):
        state = upgrade_state(state, note() if callable(note) else note, display_zone(settings.export_timezone))
    return state


def draft_view(db: Session, draft: Draft, settings: Settings) -> DraftView:
    note = DraftNote.model_validate_json(draft.note_json)
    state = review_state(draft.state_json, note, settings)
    note_ids = list(db.scalars(select(ConfirmedNoteRow.id).where(ConfirmedNoteRow.draft_id == draft.id)
                               .order_by(ConfirmedNoteRow.id)))
    return DraftView(
        id=draft.id, recording_id=draft.recording_id, case_reference=draft.recording.case_reference,
        worker=draft.owner.username, status=DraftStatus(draft.status), version=draft.version,
        recorded_at=draft.recording.recorded_at, created_at=draft.created_at, updated_at=draft.updated_at,
        updated_by=draft.updated_by.username if draft.updated_by else None,
        note=note, review=state, required_sections=list(draft.required_sections),
        undecided=undecided_codes(state), census_problems=census_problems(state),
        confirm_problems=confirm_problems(state, draft.required_sections, draft.recording.case_reference),
        confirmed_note_id=note_ids[0] if note_ids else None, confirmed_note_ids=note_ids)


def view_draft(db: Session, user: User, draft_id: int, settings: Settings) -> DraftView:
    draft = get_draft(db, user, draft_id)
    record_event(db, user, "view", "draft", draft.id, version=draft.version)
    return draft_view(db, draft, settings)


def check_editable(user: User, draft: Draft) -> None:
    if not may_edit(user, draft.owner_id, draft.team):
        raise NotEditable("only the worker who recorded it, or their team's manager, can change this draft")
    if draft.status == DraftStatus.confirmed.value:
        raise DraftConfirmed()


def version_conflict(db: Session, draft_id: int, sent: int, settings: Settings) -> VersionConflict:
    """The conflict, with the current version and state, so the client can show both."""
    version, state_json, updated_at, updated_by = db.execute(
        select(Draft.version, Draft.state_json, Draft.updated_at, User.username)
        .outerjoin(User, User.id == Draft.updated_by_id).where(Draft.id == draft_id)).one()
    state = review_state(state_json, lambda: _drafted_note(db, draft_id), settings)
    return VersionConflict(sent=sent, current_version=version, current=state.model_dump(mode="json"),
                           updated_at=updated_at.isoformat(), updated_by=updated_by)


def _drafted_note(db: Session, draft_id: int) -> DraftNote:
    return DraftNote.model_validate_json(db.scalar(select(Draft.note_json).where(Draft.id == draft_id)))


# Autosave is the hot path (every pause in typing): Core statements built once,
# plain column reads, no ORM entity loading.
_READ_FOR_EDIT = (select(Draft.id, Draft.owner_id, Draft.team, Draft.status, Draft.version, Draft.state_json,
                         Draft.required_sections, Draft.updated_at, Recording.case_reference)
                  .join(Recording, Recording.id == Draft.recording_id).where(Draft.id == bindparam("draft_id")))
_COMPARE_AND_SET = (
    update(Draft).where(Draft.id == bindparam("draft_id"), Draft.version == bindparam("expected"),
                        Draft.status == DraftStatus.draft.value)
    .values(version=bindparam("new_version"), state_json=bindparam("state_json"),
            updated_at=bindparam("now"), updated_by_id=bindparam("user_id"))
    .execution_options(synchronize_session=False))
_ADD_VERSION = insert(DraftVersion)


def save_edits(db: Session, user: User, draft_id: int, edits: DraftEdits, expected_version: int,
               settings: Settings) -> DraftSaved:
    draft = db.execute(_READ_FOR_EDIT, {"draft_id": draft_id}).one_or_none()
    if draft is None or not can_see(user, draft.owner_id, draft.team):
        raise NotFound("draft")
    check_editable(user, draft)
    if draft.version != expected_version:
        raise version_conflict(db, draft_id, expected_version, settings)
    state = review_state(draft.state_json, lambda: _drafted_note(db, draft_id), settings)
    new_state, changes = apply_edits(state, edits, max_section_chars=settings.max_section_chars,
                                     zone=display_zone(settings.export_timezone))
    if not changes:
        return _saved(draft.id, draft.version, draft.updated_at, state, draft.required_sections,
                      draft.case_reference)
    now = utcnow()
    new_version = draft.version + 1
    state_json = new_state.model_dump_json()
    # Compare-and-set: only the version the client edited may be replaced.
    result = db.execute(_COMPARE_AND_SET, {"draft_id": draft.id, "expected": expected_version,
                                           "new_version": new_version, "state_json": state_json, "now": now,
                                           "user_id": user.id})
    if result.rowcount != 1:
        db.rollback()
        raise version_conflict(db, draft_id, expected_version, settings)
    db.execute(_ADD_VERSION, [{"draft_id": draft.id, "version": new_version, "state_json": state_json,
                               "created_by_id": user.id, "created_at": now}])
    _audit_changes(db, user, draft.id, new_version, changes)
    return _saved(draft.id, new_version, now, new_state, draft.required_sections, draft.case_reference)


def _audit_changes(db: Session, user: User, draft_id: int, version: int, changes: Changes) -> None:
    if changes.sections or changes.visit or changes.visit_date or changes.children:
        record_event(db, user, "edit", "draft", draft_id, version=version, sections=changes.sections,
                     visit_fields=changes.visit, visit_date=changes.visit_date, children=changes.children)
    for code, decision, source, child in changes.decisions:
        record_event(db, user, "decision", "draft", draft_id, version=version, code=code,
                     decision=decision, source=source, child=child)


def _saved(draft_id: int, version: int, updated_at, state: ReviewState, required: list[str],
           case_reference: str) -> DraftSaved:
    return DraftSaved(id=draft_id, version=version, updated_at=updated_at, undecided=undecided_codes(state),
                      census_problems=census_problems(state),
                      confirm_problems=confirm_problems(state, required, case_reference))


def list_versions(db: Session, user: User, draft_id: int) -> list[DraftVersionOut]:
    draft = get_draft(db, user, draft_id)
    users = dict(db.execute(select(User.id, User.username)).all())
    rows = db.execute(select(DraftVersion.version, DraftVersion.created_at, DraftVersion.created_by_id)
                      .where(DraftVersion.draft_id == draft.id).order_by(DraftVersion.version)).all()
    record_event(db, user, "view_history", "draft", draft.id)
    return [DraftVersionOut(version=v, created_at=at, created_by=users.get(by)) for v, at, by in rows]


def get_version(db: Session, user: User, draft_id: int, version: int, settings: Settings) -> ReviewState:
    draft = get_draft(db, user, draft_id)
    state_json = db.scalar(select(DraftVersion.state_json).where(DraftVersion.draft_id == draft.id,
                                                                 DraftVersion.version == version))
    if state_json is None:
        raise NotFound("version")
    record_event(db, user, "view", "draft", draft.id, version=version)
    return review_state(state_json, lambda: DraftNote.model_validate_json(draft.note_json), settings)
