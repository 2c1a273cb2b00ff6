"""The report's figures from facts about visits: pure functions, no database.

``api/services/reports.py`` reads the facts (in the reader's scope) and calls
``build_figures``; the routes and the page only show what comes out. Every figure
is defined here, once (README "Reports" says the same in words):

- A visit belongs to the period when its recording was made (``recorded_at``, the
  start of the dictation) in the period's days, where the authority is
  (``CASENOTE_EXPORT_TIMEZONE``). Everything about it (its draft, its signing, its
  review) is counted with it, whenever it happened.
- End of the recording: ``recorded_at`` + its length, but never after the upload
  (a browser upload without ``recorded_at`` is stamped when it arrives).
- Draft ready: when the draft was made. Signed: when its notes were confirmed.
- Active review time: for each person who worked on the visit's draft (the worker
  who recorded it, and anyone who edited, decided or confirmed on it), their audited
  events on it (view, edit, decision, confirm, and play of its recording) up to the
  signing, in time order; each gap between two of their events that is at most
  ``idle_gap_s`` is active time, a longer gap is a pause. Summed over those people.
  It is a lower bound: reading after the last event, and before a first one, are
  not seen.
- How right the draft was: from the edit records signed with the notes (issue 15),
  once per visit for what a family visit's notes share (sections, the visit's
  fields, check marks) and per child for the rest (the child's fields, factors).
  Visits signed before there were edit records are left out of these figures.
- Median: the middle value (the mean of the two middle ones); 90th percentile: the
  nearest rank (the smallest value that at least 90 % of the values do not exceed).
- Time saved (an estimate): typing the signed note's words at ``typing_wpm`` words
  a minute, less the minutes dictated and the active review time, per visit; summed
  and divided by the period's weeks and the workers who signed a visit in it.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from pydantic import BaseModel, Field

from models.cin_codes import cin_factors
from models.edit_record import CheckKind, EditRecord, FieldOutcome, SectionOutcome, SuggestionOutcome

CHECK_KINDS = tuple(kind.value for kind in CheckKind)
OUTCOMES = tuple(outcome.value for outcome in SuggestionOutcome)


# --- what is known of each visit (input) ---------------------------------------------


@dataclass(frozen=True)
class ReviewEvent:
    """One audited act on a visit's draft (or a play of its recording)."""

    actor_id: int
    at: datetime


@dataclass(frozen=True)
class CodeOutcome:
    """What became of one census code for one child: a suggestion accepted or
    rejected, or a code the worker added by hand."""

    code: str
    child: str
    outcome: str  # one of OUTCOMES


@dataclass(frozen=True)
class DraftAccuracy:
    """How far a signed visit is its draft, from the edit records of its notes."""

    drafted_words: int  # words of the drafted sections
    kept_words: int  # of those, words still in the signed sections, in order
    sections_drafted: int  # sections the draft put text in
    sections_rewritten: int  # of those, sections the worker changed or cleared
    sections_added: int  # sections the draft left empty and the worker wrote
    visit_fields: int  # the visit's fields and each child's
    visit_fields_changed: int  # drafted with a value, signed with another (or none)
    visit_fields_filled: int  # drafted as not said, signed with a value
    codes: tuple[CodeOutcome, ...]
    check_items: dict[str, int]  # CHECK_KINDS -> drafted sentences with that check mark
    check_items_changed: dict[str, int]  # of them, those the worker changed


@dataclass(frozen=True)
class VisitFacts:
    recording_id: int
    worker: str  # who recorded it
    team: str | None  # their team when it was uploaded
    recorded_at: datetime
    uploaded_at: datetime
    duration_s: float | None
    draft_ready_at: datetime | None = None
    signed_at: datetime | None = None
    notes_signed: int = 0  # one per child of the visit
    children: tuple[str, ...] = ()  # the signed notes' case references
    signed_words: int = 0  # words of the signed sections (shared by a family visit's notes)
    review_events: tuple[ReviewEvent, ...] = ()  # the counted events, up to the signing
    accuracy: DraftAccuracy | None = None  # None: signed before there was an edit record, or not signed

    @property
    def recording_end(self) -> datetime:
        end = self.recorded_at + timedelta(seconds=self.duration_s or 0.0)
        return min(end, self.uploaded_at)


@dataclass(frozen=True)
class ReportOptions:
    start: date  # first day of the period
    end: date  # last day of the period (inclusive)
    zone: tzinfo
    typing_wpm: float
    idle_gap_s: float
    zone_name: str = "UTC"
    scope: str = ""


# --- the figures (output) --------------------------------------------------------------


class TimeStats(BaseModel):
    count: int = Field(description="Visits measured")
    median_s: float | None = None
    p90_s: float | None = Field(None, description="90th percentile, nearest rank")


class AccuracyFigures(BaseModel):
    notes: int = Field(description="Signed visits with an edit record")
    drafted_words: int = 0
    kept_words: int = 0
    words_kept_share: float | None = Field(None, description="Drafted words still in the signed notes")
    sections_drafted: int = Field(0, description="Sections the drafts put text in")
    sections_rewritten: int = Field(0, description="Of them, sections the worker changed or cleared")
    sections_added: int = Field(0, description="Sections the drafts left empty and the worker wrote")
    visit_fields: int = Field(0, description="The visits' fields and each child's")
    visit_fields_changed: int = Field(0, description="Drafted with a value, signed with another (or none)")
    visit_fields_filled: int = Field(0, description="Drafted as not said, signed with a value")
    suggestions_accepted: int = Field(0, description="Per child")
    suggestions_rejected: int = Field(0, description="Per child")
    codes_added: int = Field(0, description="Codes the worker added by hand, per child")
    check_items: dict[str, int] = Field(default_factory=dict, description="Drafted sentences with each kind of "
                                                                          "check mark, in all the drafts")
    check_items_changed: dict[str, int] = Field(default_factory=dict, description="Of them, those the worker "
                                                                                  "changed")
    check_items_per_note: dict[str, float | None] = Field(default_factory=dict, description="Per signed visit")


class TimeSaved(BaseModel):
    """An estimate, not a measurement: see ``assumption``."""

    visits: int = Field(description="Signed visits it is made from")
    workers: int = Field(description="Workers who signed a visit in the period")
    typing_minutes: float = Field(description="Typing the signed notes at the assumed speed")
    dictated_minutes: float
    review_minutes: float = Field(description="Active review time")
    saved_minutes: float
    saved_minutes_per_worker_week: float | None = None


class GroupFigures(BaseModel):
    team: str | None = Field(None, description="None: no team (or the whole report)")
    worker: str | None = Field(None, description="None: a team's or the whole report's figures")
    recordings: int = 0
    minutes_dictated: float = 0.0
    visits_signed: int = 0
    notes_signed: int = Field(0, description="One per child of a signed visit")
    children_recorded: int = Field(0, description="Different children (case references) with a signed note")
    recording_to_draft: TimeStats
    draft_to_signed: TimeStats
    recording_to_signed: TimeStats
    active_review: TimeStats = Field(description="Per signed visit")
    active_review_minutes: float = Field(0.0, description="In all the signed visits")
    accuracy: AccuracyFigures
    time_saved: TimeSaved


class WeekFigures(BaseModel):
    week_start: date = Field(description="Monday of the week the visits were recorded")
    visits_signed: int
    recording_to_signed: TimeStats


class CodeFigures(BaseModel):
    code: str
    label: str
    accepted: int = Field(0, description="Suggested by casenote and accepted (per child)")
    rejected: int = Field(0, description="Suggested by casenote and rejected (per child)")
    added: int = Field(0, description="Added by hand by the worker (per child)")

    @property
    def suggested(self) -> int:
        return self.accepted + self.rejected

    @property
    def acceptance(self) -> float | None:
        return self.accepted / self.suggested if self.suggested else None


class Assumptions(BaseModel):
    typing_wpm: float = Field(description="Words a minute a worker types a note at (the estimate's assumption)")
    idle_gap_minutes: float = Field(description="Longer gaps between a person's events are not active time")
    timezone: str


class Report(BaseModel):
    period_start: date
    period_end: date
    scope: str = Field(description="Whose visits: a team, or every team")
    weeks: float = Field(description="Length of the period in weeks")
    assumptions: Assumptions
    total: GroupFigures
    teams: list[GroupFigures]
    workers: list[GroupFigures]
    weekly: list[WeekFigures] = Field(description="Time to signed note per week")
    codes: list[CodeFigures] = Field(description="Suggestions and codes added per census code")


# --- the functions ----------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def percentile_nearest_rank(values: Sequence[float], share: float) -> float | None:
    """The smallest value that at least ``share`` of the values do not exceed."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def time_stats(seconds: Iterable[float]) -> TimeStats:
    values = list(seconds)
    return TimeStats(count=len(values), median_s=median(values), p90_s=percentile_nearest_rank(values, 0.9))


def active_seconds(events: Iterable[ReviewEvent], idle_gap_s: float) -> float:
    """Each person's gaps between consecutive events of theirs, counted when at most
    ``idle_gap_s``; summed over the people. Events of two people never make a gap."""
    by_actor: dict[int, list[datetime]] = defaultdict(list)
    for event in events:
        by_actor[event.actor_id].append(event.at)
    total = 0.0
    for moments in by_actor.values():
        moments.sort()
        for before, after in zip(moments, moments[1:]):
            gap = (after - before).total_seconds()
            if gap <= idle_gap_s:
                total += gap
    return total


def week_start(moment: datetime, zone: tzinfo) -> date:
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def period_weeks(start: date, end: date) -> float:
    return ((end - start).days + 1) / 7


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (later - earlier).total_seconds()


def accuracy_figures(accuracies: Sequence[DraftAccuracy]) -> AccuracyFigures:
    outcomes = Counter(c.outcome for a in accuracies for c in a.codes)
    checks = {kind: sum(a.check_items.get(kind, 0) for a in accuracies) for kind in CHECK_KINDS}
    drafted = sum(a.drafted_words for a in accuracies)
    kept = sum(a.kept_words for a in accuracies)
    total = {name: sum(getattr(a, name) for a in accuracies) for name in (
        "sections_drafted", "sections_rewritten", "sections_added", "visit_fields", "visit_fields_changed",
        "visit_fields_filled")}
    return AccuracyFigures(
        notes=len(accuracies), drafted_words=drafted, kept_words=kept,
        words_kept_share=kept / drafted if drafted else None, **total,
        suggestions_accepted=outcomes["accepted"], suggestions_rejected=outcomes["rejected"],
        codes_added=outcomes["added"], check_items=checks,
        check_items_changed={kind: sum(a.check_items_changed.get(kind, 0) for a in accuracies)
                             for kind in CHECK_KINDS},
        check_items_per_note={kind: (n / len(accuracies) if accuracies else None) for kind, n in checks.items()})


def visit_accuracy(records: Sequence[tuple[str, EditRecord]]) -> DraftAccuracy | None:
    """A signed visit's accuracy from its notes' edit records, (child key, record) each.
    The sections, the visit's fields and the check marks are the same in every note of
    a family visit, so they are taken once; each child's fields and factors from that
    child's note. None when no note of the visit has an edit record (signed before)."""
    records = [(child, record) for child, record in records if record is not None]
    if not records:
        return None
    first = records[0][1]
    drafted = [s for s in first.sections if s.drafted.strip()]
    fields = [f for f in first.fields if f.child is None] + [
        f for _, record in records for f in record.fields if f.child is not None]
    return DraftAccuracy(
        drafted_words=first.drafted_words, kept_words=first.kept_words, sections_drafted=len(drafted),
        sections_rewritten=sum(1 for s in drafted if s.outcome in (SectionOutcome.changed, SectionOutcome.cleared)),
        sections_added=sum(1 for s in first.sections if s.outcome == SectionOutcome.added),
        visit_fields=len(fields), visit_fields_changed=sum(1 for f in fields if f.outcome == FieldOutcome.changed),
        visit_fields_filled=sum(1 for f in fields if f.outcome == FieldOutcome.added),
        codes=tuple(CodeOutcome(code=s.code, child=child, outcome=s.outcome.value)
                    for child, record in records for s in record.suggestions),
        check_items={c.kind.value: c.flagged for c in first.checks},
        check_items_changed={c.kind.value: c.changed for c in first.checks})


def group_figures(visits: Sequence[VisitFacts], options: ReportOptions, *, team: str | None = None,
                  worker: str | None = None) -> GroupFigures:
    signed = [v for v in visits if v.signed_at is not None]
    review = {v.recording_id: active_seconds(v.review_events, options.idle_gap_s) for v in signed}
    dictated_s = sum(v.duration_s or 0.0 for v in visits)
    return GroupFigures(
        team=team, worker=worker, recordings=len(visits), minutes_dictated=dictated_s / 60,
        visits_signed=len(signed), notes_signed=sum(v.notes_signed for v in signed),
        children_recorded=len({c for v in signed for c in v.children}),
        recording_to_draft=time_stats(s for v in visits
                                      if (s := _seconds(v.draft_ready_at, v.recording_end)) is not None),
        draft_to_signed=time_stats(s for v in signed if (s := _seconds(v.signed_at, v.draft_ready_at)) is not None),
        recording_to_signed=time_stats(_seconds(v.signed_at, v.recording_end) for v in signed),
        active_review=time_stats(review.values()), active_review_minutes=sum(review.values()) / 60,
        accuracy=accuracy_figures([v.accuracy for v in signed if v.accuracy is not None]),
        time_saved=time_saved(signed, review, options))


def time_saved(signed: Sequence[VisitFacts], review_s: dict[int, float], options: ReportOptions) -> TimeSaved:
    typing_min = sum(v.signed_words for v in signed) / options.typing_wpm
    dictated_min = sum(v.duration_s or 0.0 for v in signed) / 60
    review_min = sum(review_s[v.recording_id] for v in signed) / 60
    saved = typing_min - dictated_min - review_min
    workers = len({v.worker for v in signed})
    weeks = period_weeks(options.start, options.end)
    return TimeSaved(visits=len(signed), workers=workers, typing_minutes=typing_min, dictated_minutes=dictated_min,
                     review_minutes=review_min, saved_minutes=saved,
                     saved_minutes_per_worker_week=saved / weeks / workers if workers else None)


def weekly_figures(visits: Sequence[VisitFacts], zone: tzinfo) -> list[WeekFigures]:
    """Time from the end of the recording to the signed note, per week of recording."""
    weeks: dict[date, list[float]] = defaultdict(list)
    for v in visits:
        if v.signed_at is not None:
            weeks[week_start(v.recorded_at, zone)].append((v.signed_at - v.recording_end).total_seconds())
    return [WeekFigures(week_start=week, visits_signed=len(values), recording_to_signed=time_stats(values))
            for week, values in sorted(weeks.items())]


def code_figures(visits: Sequence[VisitFacts]) -> list[CodeFigures]:
    """Per census code (in the code list's order): accepted, rejected and added, each
    counted once per child."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for v in visits:
        if v.signed_at is not None and v.accuracy is not None:
            for c in v.accuracy.codes:
                counts[c.code][c.outcome] += 1
    labels = cin_factors()
    order = {code: n for n, code in enumerate(labels)}
    return [CodeFigures(code=code, label=labels[code].label if code in labels else code, **{
                o: counts[code][o] for o in OUTCOMES})
            for code in sorted(counts, key=lambda c: (order.get(c, len(order)), c))]


def build_figures(visits: Sequence[VisitFacts], options: ReportOptions) -> Report:
    by_team: dict[str | None, list[VisitFacts]] = defaultdict(list)
    by_worker: dict[tuple[str | None, str], list[VisitFacts]] = defaultdict(list)
    for v in visits:
        by_team[v.team].append(v)
        by_worker[(v.team, v.worker)].append(v)
    return Report(
        period_start=options.start, period_end=options.end, scope=options.scope,
        weeks=period_weeks(options.start, options.end),
        assumptions=Assumptions(typing_wpm=options.typing_wpm, idle_gap_minutes=options.idle_gap_s / 60,
                                timezone=options.zone_name),
        total=group_figures(visits, options),
        teams=[group_figures(vs, options, team=team) for team, vs in sorted(by_team.items(), key=_team_order)],
        workers=[group_figures(vs, options, team=team, worker=worker)
                 for (team, worker), vs in sorted(by_worker.items(), key=lambda kv: (kv[0][0] or "", kv[0][1]))],
        weekly=weekly_figures(visits, options.zone), codes=code_figures(visits))


def _team_order(item: tuple[str | None, list]) -> tuple[bool, str]:
    return item[0] is None, item[0] or ""
