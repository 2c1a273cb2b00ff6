"""The report for managers and admins: the facts about each visit in the reader's
scope and period, read from the database, turned into figures by
``report_figures.build_figures``. Opening it (page, JSON or CSV) is audited; nothing
in it is note text (the signed notes are read only to count their words and to know
which child each is for)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from api.db.audit import record_event
from api.db.models import AuditEvent, ConfirmedNoteRow, Draft, Recording, User
from api.exports.record import display_zone
from api.services.report_figures import (Report, ReportOptions, ReviewEvent, VisitFacts, build_figures,
                                         visit_accuracy)
from api.services.scope import visible_to
from models.edit_record import EditRecord
from models.errors import InvalidRequest, NotFound
from models.settings import Settings

READER_ROLES = ("manager", "admin")
# The audited acts that are review work on a draft (object "draft") and on its recording.
DRAFT_ACTIONS = ("view", "edit", "decision", "confirm")
WORKING_ACTIONS = ("edit", "decision", "confirm")  # make their actor one of the draft's reviewers
RECORDING_ACTIONS = ("play",)
DEFAULT_DAYS = 28
CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class ReportRequest:
    start: date | None = None
    end: date | None = None
    team: str | None = None  # only this team's visits
    typing_wpm: float | None = None  # instead of the setting, for this view


def check_reader(user: User) -> None:
    """Managers and admins read reports; to anyone else there is no report (404, as
    for anything outside a person's scope)."""
    if user.role not in READER_ROLES:
        raise NotFound("report", "there is no report here")


def report_options(request: ReportRequest, user: User, settings: Settings, today: date) -> ReportOptions:
    end = request.end or today
    start = request.start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise InvalidRequest("the period's start must be on or before its end")
    if (end - start).days + 1 > settings.report_max_days:
        raise InvalidRequest(f"the period is at most {settings.report_max_days} days")
    wpm = request.typing_wpm or settings.report_typing_wpm
    if not 5 <= wpm <= 200:
        raise InvalidRequest("the typing speed is 5 to 200 words a minute")
    zone = display_zone(settings.export_timezone)
    return ReportOptions(start=start, end=end, zone=zone, zone_name=settings.export_timezone, typing_wpm=wpm,
                         idle_gap_s=settings.report_idle_gap_minutes * 60, scope=scope_words(user, request.team))


def scope_words(user: User, team: str | None) -> str:
    if team is not None:
        return f"team {team}"
    return "every team" if user.role == "admin" else f"team {user.team}"


def build_report(db: Session, user: User, request: ReportRequest, settings: Settings, *, via: str) -> Report:
    """The report ``user`` may read, audited as opened ``via`` page, json or csv (in the
    caller's transaction)."""
    check_reader(user)
    zone = display_zone(settings.export_timezone)
    options = report_options(request, user, settings, datetime.now(zone).date())
    visits = visit_facts(db, user, options, request.team)
    record_event(db, user, "view_report", "report", None, format=via, start=options.start.isoformat(),
                 end=options.end.isoformat(), team=request.team, visits=len(visits))
    return build_figures(visits, options)


def _instant(day: date, zone) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(timezone.utc)


def visit_facts(db: Session, user: User, options: ReportOptions, team: str | None) -> list[VisitFacts]:
    """Every visit recorded in the period that ``user`` may see, with its draft, its
    signed notes and its counted review events."""
    query = (select(Recording.id, Recording.owner_id, User.username, Recording.team, Recording.recorded_at,
                    Recording.created_at, Recording.duration_s, Draft.id, Draft.created_at)
             .join(User, User.id == Recording.owner_id)
             .outerjoin(Draft, Draft.recording_id == Recording.id)
             .where(visible_to(user, Recording.owner_id, Recording.team),
                    Recording.recorded_at >= _instant(options.start, options.zone),
                    Recording.recorded_at < _instant(options.end + timedelta(days=1), options.zone))
             .order_by(Recording.id))
    if team is not None:
        query = query.where(Recording.team == team)
    rows = db.execute(query).all()
    draft_ids = [r[7] for r in rows if r[7] is not None]
    notes = _signed_notes(db, draft_ids)
    events = _review_events(db, [(r[7], r[0], r[1]) for r in rows if r[7] in notes])  # signed visits' only
    facts = []
    for rec_id, owner_id, worker, rec_team, recorded_at, uploaded_at, duration_s, draft_id, ready_at in rows:
        signed = notes.get(draft_id)
        facts.append(VisitFacts(
            recording_id=rec_id, worker=worker, team=rec_team, recorded_at=recorded_at, uploaded_at=uploaded_at,
            duration_s=duration_s, draft_ready_at=ready_at,
            signed_at=signed.signed_at if signed else None, notes_signed=len(signed.children) if signed else 0,
            children=tuple(signed.children) if signed else (), signed_words=signed.words if signed else 0,
            review_events=tuple(events.get(draft_id, ())) if signed else (),
            accuracy=visit_accuracy(signed.records) if signed else None))
    return facts


@dataclass
class _SignedVisit:
    signed_at: datetime
    children: list[str]  # each note's case reference
    words: int
    records: list[tuple[str, EditRecord | None]]  # each note's child key and edit record


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for n in range(0, len(ids), CHUNK):
        yield ids[n:n + CHUNK]


def _signed_notes(db: Session, draft_ids: Sequence[int]) -> dict[int, _SignedVisit]:
    """draft id -> its signing: when, each note's case reference, the signed sections'
    words (once per visit: a family visit's notes share them) and each note's edit record."""
    signed: dict[int, _SignedVisit] = {}
    for chunk in _chunks(draft_ids):
        for draft_id, child_key, confirmed_at, content_json in db.execute(
                select(ConfirmedNoteRow.draft_id, ConfirmedNoteRow.child_key, ConfirmedNoteRow.confirmed_at,
                       ConfirmedNoteRow.content_json)
                .where(ConfirmedNoteRow.draft_id.in_(chunk)).order_by(ConfirmedNoteRow.id)):
            content = json.loads(content_json)
            visit = signed.get(draft_id)
            if visit is None:
                visit = signed[draft_id] = _SignedVisit(signed_at=confirmed_at, children=[],
                                                        words=signed_words(content), records=[])
            visit.signed_at = min(visit.signed_at, confirmed_at)
            visit.children.append(content.get("case_reference", ""))
            record = content.get("edit_record")
            visit.records.append((child_key or "", EditRecord.model_validate(record) if record else None))
    return signed


def signed_words(content: dict) -> int:
    """Words (runs of non-space) in a signed note's sections."""
    return sum(len(section.get("text", "").split()) for section in content.get("sections", []))


def _review_events(db: Session, visits: Iterable[tuple[int, int, int]]) -> dict[int, list[ReviewEvent]]:
    """draft id -> the events counted as its review: by the worker who recorded it and
    anyone who edited, decided or confirmed on it, up to its first confirm."""
    by_draft: dict[int, list[tuple[str, int | None, datetime]]] = defaultdict(list)
    owners: dict[int, int] = {}
    recording_draft: dict[int, int] = {}
    for draft_id, recording_id, owner_id in visits:
        owners[draft_id] = owner_id
        recording_draft[recording_id] = draft_id
    draft_ids, recording_ids = list(owners), list(recording_draft)
    for drafts, recordings in zip(_chunks(draft_ids), _chunks(recording_ids)):
        condition = or_(
            and_(AuditEvent.object_type == "draft", AuditEvent.object_id.in_(drafts),
                 AuditEvent.action.in_(DRAFT_ACTIONS)),
            and_(AuditEvent.object_type == "recording", AuditEvent.object_id.in_(recordings),
                 AuditEvent.action.in_(RECORDING_ACTIONS)))
        for action, object_type, object_id, actor_id, at in db.execute(
                select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id, AuditEvent.actor_id,
                       AuditEvent.at).where(condition)):
            draft_id = object_id if object_type == "draft" else recording_draft[object_id]
            by_draft[draft_id].append((action, actor_id, at))
    counted = {}
    for draft_id, events in by_draft.items():
        counted[draft_id] = counted_events(events, owners[draft_id])
    return counted


def counted_events(events: Sequence[tuple[str, int | None, datetime]], owner_id: int) -> list[ReviewEvent]:
    """The events of the draft's reviewers (its owner, and whoever edited, decided or
    confirmed on it) up to and including its first confirm."""
    confirms = [at for action, _, at in events if action == "confirm"]
    until = min(confirms) if confirms else None
    reviewers = {owner_id} | {actor for action, actor, _ in events if action in WORKING_ACTIONS}
    return [ReviewEvent(actor_id=actor, at=at) for action, actor, at in events
            if actor in reviewers and (until is None or at <= until)]
