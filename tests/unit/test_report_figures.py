"""The report's figures without a database: each definition on small hand-made
visits whose answers are worked out here by hand."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from api.db.models import User
from api.services.report_csv import render_csv
from api.services.report_figures import (CodeOutcome, DraftAccuracy, ReportOptions, ReviewEvent, VisitFacts,
                                         active_seconds, build_figures, code_figures, group_figures,
                                         percentile_nearest_rank, time_stats, visit_accuracy, week_start,
                                         weekly_figures)
from api.services.reports import ReportRequest, check_reader, counted_events, report_options, signed_words
from models.edit_record import (CheckItems, EditRecord, FieldEdit, SectionEdit, SuggestionEdit, section_outcome,
                                word_counts)
from models.errors import InvalidRequest, NotFound
from models.settings import Settings

pytestmark = pytest.mark.unit

LONDON = ZoneInfo("Europe/London")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def options(**kw) -> ReportOptions:
    base = dict(start=date(2026, 3, 2), end=date(2026, 3, 15), zone=LONDON, typing_wpm=25.0, idle_gap_s=300.0)
    return ReportOptions(**{**base, **kw})


def visit(n: int, *, worker="kim", team="north", recorded=0.0, duration_s=120.0, uploaded=None, ready=None,
          signed=None, children=("C1",), words=0, events=(), accuracy=None) -> VisitFacts:
    return VisitFacts(
        recording_id=n, worker=worker, team=team, recorded_at=at(recorded), duration_s=duration_s,
        uploaded_at=at(uploaded if uploaded is not None else recorded + 3),
        draft_ready_at=at(ready) if ready is not None else None, signed_at=at(signed) if signed is not None else None,
        notes_signed=len(children) if signed is not None else 0, children=children if signed is not None else (),
        signed_words=words, review_events=tuple(ReviewEvent(actor_id=a, at=at(m)) for a, m in events),
        accuracy=accuracy)


def test_median_and_90th_percentile_by_nearest_rank():
    assert time_stats([]).model_dump() == {"count": 0, "median_s": None, "p90_s": None}
    assert time_stats([5.0]).model_dump() == {"count": 1, "median_s": 5.0, "p90_s": 5.0}
    values = [float(v) for v in range(1, 11)]  # 1..10: rank ceil(0.9 * 10) = 9
    assert time_stats(values).model_dump() == {"count": 10, "median_s": 5.5, "p90_s": 9.0}
    assert percentile_nearest_rank([3.0, 1.0, 2.0], 0.9) == 3.0  # rank ceil(2.7) = 3
    assert percentile_nearest_rank([float(v) for v in range(1, 12)], 0.9) == 10.0  # rank ceil(9.9) = 10


def test_active_review_time_counts_each_persons_short_gaps_only():
    events = [ReviewEvent(1, at(m)) for m in (0, 1, 3, 20, 21.5)] + [ReviewEvent(2, at(m)) for m in (2, 2.5, 30)]
    # person 1: 1 + 2 (3 -> 20 is a pause) + 1.5; person 2: 0.5 (2.5 -> 30 is a pause)
    assert active_seconds(events, idle_gap_s=300) == pytest.approx((1 + 2 + 1.5 + 0.5) * 60)
    # a gap exactly as long as the limit still counts; one second more does not
    assert active_seconds([ReviewEvent(1, at(0)), ReviewEvent(1, at(5))], 300) == 300
    assert active_seconds([ReviewEvent(1, at(0)), ReviewEvent(1, at(5) + timedelta(seconds=1))], 300) == 0
    # two people's events never make a gap between them
    assert active_seconds([ReviewEvent(1, at(0)), ReviewEvent(2, at(1))], 300) == 0
    assert active_seconds([], 300) == 0


def test_the_events_counted_are_the_reviewers_up_to_the_first_confirm():
    owner, manager, admin = 1, 2, 3
    events = [("view", owner, at(0)), ("edit", owner, at(1)), ("view", admin, at(1.5)), ("view", manager, at(2)),
              ("decision", manager, at(3)), ("confirm", manager, at(4)), ("confirm", manager, at(4.01)),
              ("view", owner, at(9))]
    counted = counted_events(events, owner)
    assert [(e.actor_id, e.at) for e in counted] == [(owner, at(0)), (owner, at(1)), (manager, at(2)),
                                                     (manager, at(3)), (manager, at(4))]
    # a draft nobody has confirmed yet: every event of its reviewers
    assert len(counted_events([("view", owner, at(0)), ("view", admin, at(1))], owner)) == 1


def test_end_of_recording_is_its_start_plus_length_but_never_after_the_upload():
    assert visit(1, recorded=0, duration_s=120, uploaded=10).recording_end == at(2)
    # uploaded from the browser without a recording time: stamped when it arrived
    assert visit(2, recorded=0, duration_s=120, uploaded=0).recording_end == at(0)
    assert visit(3, recorded=0, duration_s=None, uploaded=10).recording_end == at(0)


def test_a_groups_volume_and_times():
    visits = [
        visit(1, recorded=0, duration_s=120, ready=4, signed=64, children=("C1",), events=[(1, 10), (1, 12)]),
        visit(2, recorded=60, duration_s=300, uploaded=66, ready=70, signed=190, children=("C1", "C2"),
              events=[(1, 80), (1, 81), (2, 85)]),
        visit(3, recorded=120, duration_s=60, ready=130),  # drafted, not signed
        visit(4, recorded=180, duration_s=30),  # not drafted yet
    ]
    g = group_figures(visits, options())
    assert (g.recordings, g.minutes_dictated, g.visits_signed, g.notes_signed, g.children_recorded) == (
        4, (120 + 300 + 60 + 30) / 60, 2, 3, 2)
    # end -> draft: visit 1: 4 - 2 = 2 min; visit 2: 70 - 65 = 5 min; visit 3: 130 - 121 = 9 min
    assert g.recording_to_draft.model_dump() == {"count": 3, "median_s": 300.0, "p90_s": 540.0}
    assert g.draft_to_signed.model_dump() == {"count": 2, "median_s": (60 + 120) / 2 * 60, "p90_s": 7200.0}
    assert g.recording_to_signed.model_dump() == {"count": 2, "median_s": (62 + 125) / 2 * 60, "p90_s": 7500.0}
    assert g.active_review.model_dump() == {"count": 2, "median_s": 90.0, "p90_s": 120.0}
    assert g.active_review_minutes == pytest.approx(3.0)


def test_time_saved_is_typing_the_signed_words_less_dictating_and_reviewing():
    visits = [visit(1, worker="kim", duration_s=120, ready=4, signed=30, words=500, events=[(1, 10), (1, 13)]),
              visit(2, worker="lee", duration_s=60, ready=4, signed=30, words=100),
              visit(3, worker="kim", duration_s=600)]  # not signed: not in the estimate
    saved = group_figures(visits, options(typing_wpm=25.0)).time_saved
    assert saved.visits == 2 and saved.workers == 2
    assert saved.typing_minutes == pytest.approx(600 / 25)
    assert saved.dictated_minutes == pytest.approx(3.0) and saved.review_minutes == pytest.approx(3.0)
    assert saved.saved_minutes == pytest.approx(24 - 3 - 3)
    assert saved.saved_minutes_per_worker_week == pytest.approx(18 / 2 / 2)  # 14 days = 2 weeks, 2 workers
    slow = group_figures(visits[1:2], options(typing_wpm=200.0)).time_saved
    assert slow.saved_minutes == pytest.approx(100 / 200 - 1) and slow.saved_minutes < 0  # it can cost time


def accuracy(*codes: tuple[str, str, str], drafted=100, kept=90, unsure=2) -> DraftAccuracy:
    return DraftAccuracy(drafted_words=drafted, kept_words=kept, sections_drafted=4, sections_rewritten=1,
                         sections_added=1, visit_fields=6, visit_fields_changed=2, visit_fields_filled=1,
                         codes=tuple(CodeOutcome(*c) for c in codes),
                         check_items={"unsure_words": unsure, "possibly_invented": 1, "untranscribed_speech": 0},
                         check_items_changed={"unsure_words": 1, "possibly_invented": 0, "untranscribed_speech": 0})


def test_how_right_the_drafts_were_and_acceptance_per_code():
    visits = [visit(1, ready=1, signed=5, accuracy=accuracy(("1B", "c1", "accepted"), ("3C", "c1", "rejected"),
                                                             ("2B", "c1", "added"))),
              visit(2, ready=1, signed=5, accuracy=accuracy(("1B", "c1", "accepted"), ("1B", "c2", "rejected"),
                                                             drafted=50, kept=20, unsure=5)),
              visit(3, ready=1, signed=5),  # signed before there was an edit record
              visit(4, ready=1, accuracy=accuracy(("1B", "c1", "rejected")))]  # not signed: not counted
    a = group_figures(visits, options()).accuracy
    assert (a.notes, a.drafted_words, a.kept_words, a.words_kept_share) == (2, 150, 110, pytest.approx(110 / 150))
    assert (a.sections_drafted, a.sections_rewritten, a.sections_added) == (8, 2, 2)
    assert (a.visit_fields, a.visit_fields_changed, a.visit_fields_filled) == (12, 4, 2)
    assert a.check_items_changed == {"unsure_words": 2, "possibly_invented": 0, "untranscribed_speech": 0}
    assert (a.suggestions_accepted, a.suggestions_rejected, a.codes_added) == (2, 2, 1)
    assert a.check_items == {"unsure_words": 7, "possibly_invented": 2, "untranscribed_speech": 0}
    assert a.check_items_per_note == {"unsure_words": 3.5, "possibly_invented": 1.0, "untranscribed_speech": 0.0}
    codes = code_figures(visits)
    assert [(c.code, c.accepted, c.rejected, c.added) for c in codes] == [
        ("1B", 2, 1, 0), ("2B", 0, 0, 1), ("3C", 0, 1, 0)]  # in the census list's order
    assert codes[0].label.startswith("Alcohol") and codes[0].acceptance == pytest.approx(2 / 3)


def section(key: str, drafted: str, signed: str) -> SectionEdit:
    words, kept, signed_count = word_counts(drafted, signed)
    return SectionEdit(key=key, title=key, drafted=drafted, outcome=section_outcome(drafted, signed),
                       drafted_words=words, kept_words=kept, signed_words=signed_count)


def field_edit(name: str, child: str | None, outcome: str) -> FieldEdit:
    return FieldEdit(field=name, child=child, drafted=None, signed=None, outcome=outcome, set_by="worker")


def test_a_family_visits_accuracy_takes_what_its_notes_share_once():
    shared = [section("observations", "Mia was seen alone. Tyler was asleep.", "Mia was seen alone. Tyler slept."),
              section("child_voice", "Mia said she is happy.", "Mia said she is happy."),
              section("analysis", "", "Low risk."),
              section("actions", "", "")]  # empty in the draft and signed empty: neither drafted nor written
    visit_fields = [field_edit("contact_type", None, "kept"), field_edit("announced", None, "added")]
    checks = [CheckItems(kind="unsure_words", flagged=3, changed=1),
              CheckItems(kind="untranscribed_speech", flagged=1, changed=0)]

    def record(child: str, outcome: str, *suggestions: tuple[str, str]) -> EditRecord:
        return EditRecord(sections=shared, fields=[*visit_fields, field_edit("child_seen", child, outcome)],
                          suggestions=[SuggestionEdit(code=c, label=c, outcome=o, origin="draft")
                                       for c, o in suggestions], checks=checks)

    got = visit_accuracy([("c1", record("Mia", "changed", ("1B", "accepted"), ("7A", "accepted"))),
                          ("c2", record("Tyler", "kept", ("1B", "rejected"), ("2B", "added")))])
    assert (got.drafted_words, got.kept_words) == (12, 10)  # 'was asleep' -> 'slept'
    assert (got.sections_drafted, got.sections_rewritten, got.sections_added) == (2, 1, 1)
    assert (got.visit_fields, got.visit_fields_changed, got.visit_fields_filled) == (4, 1, 1)
    assert [(c.code, c.child, c.outcome) for c in got.codes] == [
        ("1B", "c1", "accepted"), ("7A", "c1", "accepted"), ("1B", "c2", "rejected"), ("2B", "c2", "added")]
    assert got.check_items == {"unsure_words": 3, "untranscribed_speech": 1}
    assert got.check_items_changed == {"unsure_words": 1, "untranscribed_speech": 0}
    assert visit_accuracy([("c1", None)]) is None and visit_accuracy([]) is None  # signed before edit records


def test_weeks_start_on_monday_where_the_authority_is():
    # 23:30 UTC on Sunday 29 March 2026 is 00:30 on Monday 30 March in London (summer time)
    assert week_start(datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc), LONDON) == date(2026, 3, 30)
    assert week_start(datetime(2026, 3, 29, 23, 30, tzinfo=timezone.utc), timezone.utc) == date(2026, 3, 23)
    visits = [visit(1, recorded=0, ready=1, signed=62), visit(2, recorded=60, ready=61, signed=62 + 60),
              visit(3, recorded=7 * 24 * 60, ready=7 * 24 * 60 + 5, signed=7 * 24 * 60 + 3 * 60 + 2),
              visit(4, recorded=7 * 24 * 60)]
    weeks = weekly_figures(visits, LONDON)
    assert [(w.week_start, w.visits_signed, w.recording_to_signed.median_s) for w in weeks] == [
        (date(2026, 3, 2), 2, 3600.0), (date(2026, 3, 9), 1, 3 * 3600.0)]


def test_the_report_groups_by_team_and_worker():
    visits = [visit(1, worker="kim", team="north", ready=1, signed=2), visit(2, worker="ola", team="south"),
              visit(3, worker="lee", team=None), visit(4, worker="kim", team="north")]
    report = build_figures(visits, options(scope="every team"))
    assert [(t.team, t.recordings) for t in report.teams] == [("north", 2), ("south", 1), (None, 1)]
    assert [(w.team, w.worker, w.recordings, w.visits_signed) for w in report.workers] == [
        (None, "lee", 1, 0), ("north", "kim", 2, 1), ("south", "ola", 1, 0)]
    assert report.total.recordings == 4 and report.weeks == 2.0


def test_the_csv_holds_every_figure_with_text_cells_neutralised():
    visits = [visit(1, worker="kim", team="=HYPERLINK(\"http://x\")", ready=1, signed=2, words=10,
                    duration_s=600.0)]
    report = build_figures(visits, options(typing_wpm=100.0, scope="every team"))
    rows = list(csv.reader(io.StringIO(render_csv(report).decode("utf-8-sig"))))
    assert rows[0] == ["section", "team", "worker", "week_start", "code", "code_label", "figure", "value"]
    by_name = {(r[0], r[6]): r for r in rows[1:]}
    team_row = by_name[("team", "recordings")]
    assert team_row[1] == "'=HYPERLINK(\"http://x\")" and team_row[7] == "1"
    assert by_name[("total", "time_saved.saved_minutes")][7] == "-9.9"  # a negative number stays a number
    assert by_name[("total", "accuracy.words_kept_share")][7] == ""  # no edit record: no figure
    assert by_name[("report", "period_start")][7] == "2026-03-02"
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_who_may_read_and_which_period():
    settings = Settings(report_max_days=30)
    check_reader(User(id=1, username="mo", role="manager", team="north"))
    check_reader(User(id=2, username="root", role="admin", team=None))
    with pytest.raises(NotFound):
        check_reader(User(id=3, username="kim", role="worker", team="north"))
    mo = User(id=1, username="mo", role="manager", team="north")
    chosen = report_options(ReportRequest(), mo, settings, today=date(2026, 3, 31))
    assert (chosen.start, chosen.end, chosen.scope, chosen.typing_wpm) == (
        date(2026, 3, 4), date(2026, 3, 31), "team north", 25.0)
    with pytest.raises(InvalidRequest, match="on or before"):
        report_options(ReportRequest(start=date(2026, 3, 5), end=date(2026, 3, 4)), mo, settings, date(2026, 4, 1))
    with pytest.raises(InvalidRequest, match="at most 30 days"):
        report_options(ReportRequest(start=date(2026, 1, 1), end=date(2026, 3, 4)), mo, settings, date(2026, 4, 1))


def test_signed_words_are_the_sections_words():
    assert signed_words({"sections": [{"text": "Seen at home.\nAll well "}, {"text": ""}]}) == 5
