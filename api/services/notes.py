"""Sign-off: a draft becomes immutable ``ConfirmedNote``s, one per child of the visit,
each with the SHA-256 of its content. Only a confirmed note is ever exported or delivered."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, time, timezone, tzinfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import ConfirmedNoteRow, Draft, User
from api.db.types import utcnow
from api.delivery.outbox import enqueue_deliveries
from api.exports.record import display_zone
from api.services.children import CHILD_FIELDS
from api.services.drafts import check_editable, get_draft, review_state, version_conflict
from api.services.review import confirm_problems
from api.services.scope import find_visible, visible_to
from models.cin_codes import cin_factors
from models.draft import ChildVisit, DraftNote
from models.errors import ConfirmRefused
from models.record import (SCHEMA_VERSION, ConfirmedFactor, ConfirmedNote, ConfirmedSection, Decision, DraftStatus,
                           GroupChild, ReviewState, VisitGroup, canonical_json)
from models.settings import Settings

logger = logging.getLogger(__name__)


def confirm_draft(db: Session, user: User, draft_id: int, settings: Settings,
                  expected_version: int | None = None) -> list[ConfirmedNote]:
    """Sign the draft off: one note per child of the visit, all in one transaction with
    their deliveries (the caller commits, then wakes the delivery workers)."""
    draft = get_draft(db, user, draft_id)
    check_editable(user, draft)
    if expected_version is not None and expected_version != draft.version:
        raise version_conflict(db, draft.id, expected_version, settings)
    state = review_state(draft.state_json, lambda: DraftNote.model_validate_json(draft.note_json), settings)
    problems = confirm_problems(state, draft.required_sections, draft.recording.case_reference)
    if problems:
        raise ConfirmRefused(problems)

    notes = build_confirmed_notes(draft, state, user, zone=display_zone(settings.export_timezone))
    result = db.execute(update(Draft).where(Draft.id == draft.id, Draft.version == draft.version,
                                            Draft.status == DraftStatus.draft.value)
                        .values(status=DraftStatus.confirmed.value, updated_at=notes[0].confirmed_at,
                                updated_by_id=user.id)
                        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.rollback()
        raise version_conflict(db, draft_id, draft.version, settings)
    for child, note in zip(state.active_children(), notes):
        row = ConfirmedNoteRow(draft_id=draft.id, child_key=child.key,
                               content_json=canonical_json(note.content()).decode("utf-8"),
                               content_sha256=note.content_sha256, owner_id=draft.owner_id, team=draft.team,
                               confirmed_by_id=user.id, confirmed_at=note.confirmed_at)
        db.add(row)
        db.flush()
        note.id = row.id
        record_event(db, user, "confirm", "draft", draft.id, note_id=row.id, child=child.key,
                     version=draft.version, content_sha256=note.content_sha256)
        enqueue_deliveries(db, row, settings)
    return notes


def visit_moment(state: ReviewState, zone: tzinfo) -> tuple[datetime | None, bool]:
    """(visit_date as an instant, whether its time is known): the day and time where the
    visit took place; a day without a time is that day's midnight there."""
    if state.visit_day is None:
        return None, True
    moment = datetime.combine(state.visit_day, state.visit_time or time(0, 0), tzinfo=zone)
    return moment.astimezone(timezone.utc), state.visit_time is not None


def build_confirmed_notes(draft: Draft, state: ReviewState, user: User, *, zone: tzinfo,
                          confirmed_at: datetime | None = None, group_id: str | None = None) -> list[ConfirmedNote]:
    """The notes confirming ``state`` signs, one per child of the visit (the confirm page
    shows these before they are signed): the shared sections, that child's fields and
    factors, that child's case reference (the recording's when the visit has one child),
    and for a family visit a group that links them. Ids are 0 until stored."""
    drafted = DraftNote.model_validate_json(draft.note_json)
    evidence = {s.code: s.evidence for s in drafted.factor_suggestions}
    labels = cin_factors()
    children = state.active_children()
    family = draft.recording.case_reference
    references = {c.key: c.case_reference or (family if len(children) == 1 else "") for c in children}
    group = VisitGroup(id=group_id or uuid.uuid4().hex, family_reference=family,
                       children=[GroupChild(name=c.name, case_reference=references[c.key]) for c in children]
                       ) if len(children) > 1 else None
    visit_date, time_known = visit_moment(state, zone)
    confirmed_at = confirmed_at or utcnow()
    # Optional sections left empty are not part of the record.
    sections = [ConfirmedSection(key=s.key, title=s.title, text=s.text.strip())
                for s in state.sections if s.text.strip()]
    notes = []
    for child in children:
        seen = {field: getattr(child, field) for field in CHILD_FIELDS}
        factors = [ConfirmedFactor(code=f.code, label=labels[f.code].label if f.code in labels else f.code,
                                   source=f.source,
                                   evidence=evidence.get(f.code, []) if f.source == "suggested" else [])
                   for f in state.factors if f.child == child.key and f.decision == Decision.accepted]
        note = ConfirmedNote(
            schema_version=SCHEMA_VERSION, id=0, draft_id=draft.id, case_reference=references[child.key],
            recorded_at=draft.recording.recorded_at, visit_date=visit_date, visit_time_known=time_known,
            worker=draft.owner.username, confirmed_by=user.username, confirmed_at=confirmed_at,
            sections=sections, visit=state.visit.model_copy(deep=True, update={"children": [], **seen}),
            factors=factors, child=ChildVisit(name=child.name, named=child.named, age=child.age, **seen),
            group=group, content_sha256="")
        note.content_sha256 = note.compute_sha256()
        notes.append(note)
    return notes


def find_note(db: Session, user: User, note_id: int) -> ConfirmedNoteRow:
    return find_visible(db, user, ConfirmedNoteRow, note_id, "confirmed note")


def get_note(db: Session, user: User, note_id: int, *, action: str = "view", **detail) -> ConfirmedNote:
    """The confirmed note, audited as ``action`` (exports pass action='export', format=...)."""
    row = find_note(db, user, note_id)
    record_event(db, user, action, "note", row.id, **detail)
    return row.to_note()


def visit_notes(db: Session, user: User, draft_id: int) -> list[ConfirmedNote]:
    """Every note signed from one draft (one visit), in the children's order."""
    rows = db.scalars(select(ConfirmedNoteRow).where(
        ConfirmedNoteRow.draft_id == draft_id, visible_to(user, ConfirmedNoteRow.owner_id, ConfirmedNoteRow.team))
        .order_by(ConfirmedNoteRow.id))
    return [row.to_note() for row in rows]


def list_notes(db: Session, user: User, *, limit: int, offset: int) -> list[ConfirmedNote]:
    rows = db.scalars(select(ConfirmedNoteRow).where(
        visible_to(user, ConfirmedNoteRow.owner_id, ConfirmedNoteRow.team))
        .order_by(ConfirmedNoteRow.id.desc()).limit(limit).offset(offset))
    return [row.to_note() for row in rows]
