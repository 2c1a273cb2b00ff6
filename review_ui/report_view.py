"""What the report page shows, from the report's figures: durations and shares in
words, the summary lists, the tables and the two charts with their tables. The
period comes from GOV.UK date inputs (day, month, year), checked here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from api.services.report_figures import GroupFigures, Report, TimeStats
from api.services.reports import ReportRequest
from review_ui.charts import Bar, Segment, StackedRow, column_chart, legend_swatch, stacked_bar_chart

NONE = "None yet"
CHECK_NAMES = {"unsure_words": "Unsure words", "possibly_invented": "Possibly invented",
               "untranscribed_speech": "Untranscribed speech"}
CODE_SERIES = {"accepted": "Accepted", "rejected": "Rejected", "added": "Added by hand"}
DATE_PARTS = ("day", "month", "year")


# --- the period form --------------------------------------------------------------------


@dataclass
class PeriodForm:
    """The form as sent: each date's three boxes, the team, the typing speed, and what
    is wrong with them (GOV.UK error messages, keyed by the field to link to)."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # field id -> message
    request: ReportRequest = field(default_factory=ReportRequest)


def _date(query, name: str, label: str, form: PeriodForm) -> date | None:
    parts = {p: query.get(f"{name}-{p}", "").strip() for p in DATE_PARTS}
    form.values.update({f"{name}-{p}": v[:8] for p, v in parts.items()})
    if not any(parts.values()):
        return None
    missing = [p for p in DATE_PARTS if not parts[p]]
    if missing:
        form.errors[f"{name}-{missing[0]}"] = f"{label} must include a {' and '.join(missing)}"
        return None
    try:
        day, month, year = (int(parts[p]) for p in DATE_PARTS)
        if year < 1000:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        form.errors[f"{name}-day"] = f"{label} must be a real date"
        return None


def period_form(query, default_wpm: float) -> PeriodForm:
    form = PeriodForm()
    start = _date(query, "from", "The start date", form)
    end = _date(query, "to", "The end date", form)
    if start and end and start > end:
        form.errors["from-day"] = "The start date must be the same as or before the end date"
    team = query.get("team", "").strip()[:64] or None
    form.values["team"] = team or ""
    wpm_text = query.get("typing-wpm", "").strip()[:8]
    form.values["typing-wpm"] = wpm_text or _plain(default_wpm)
    wpm = None
    if wpm_text:
        try:
            wpm = float(wpm_text)
            if not 5 <= wpm <= 200:
                raise ValueError
        except ValueError:
            form.errors["typing-wpm"] = "Typing speed must be a number from 5 to 200"
            wpm = None
    form.request = ReportRequest(start=start, end=end, team=team, typing_wpm=wpm)
    return form


def _plain(number: float) -> str:
    return f"{number:g}"


def download_query(report: Report, request: ReportRequest, fmt: str) -> str:
    query = {"from": report.period_start.isoformat(), "to": report.period_end.isoformat()}
    if request.team:
        query["team"] = request.team
    if request.typing_wpm:
        query["typing_wpm"] = _plain(request.typing_wpm)
    if fmt != "json":
        query["format"] = fmt
    return "/api/reports?" + urlencode(query)


# --- figures in words -----------------------------------------------------------------


def _unit(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def duration_text(seconds: float | None) -> str:
    """'45 seconds', '12 minutes', '3 hours 5 minutes', '2 days 4 hours'."""
    if seconds is None:
        return NONE
    seconds = max(0.0, seconds)
    if 0 < seconds < 0.5:
        return "under a second"
    if seconds < 60:
        return _unit(round(seconds), "second")
    minutes = round(seconds / 60)
    if minutes < 60:
        return _unit(minutes, "minute")
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _unit(hours, "hour") + (f" {_unit(minutes, 'minute')}" if minutes else "")
    days, hours = divmod(hours, 24)
    return _unit(days, "day") + (f" {_unit(hours, 'hour')}" if hours else "")


def share_text(part: int, whole: int) -> str:
    return f"{part} of {whole} ({round(100 * part / whole)}%)" if whole else NONE


def stats_text(stats: TimeStats) -> str:
    if not stats.count:
        return NONE
    return (f"{duration_text(stats.median_s)} (median); {duration_text(stats.p90_s)} (90th percentile); "
            f"{_unit(stats.count, 'visit')}")


def minutes_text(minutes: float | None) -> str:
    if minutes is None:
        return NONE
    sign = "−" if minutes < 0 else ""
    return sign + duration_text(abs(minutes) * 60)


def check_text(a, kind: str) -> str:
    per_note = a.check_items_per_note.get(kind)
    if per_note is None:
        return NONE
    flagged, changed = a.check_items.get(kind, 0), a.check_items_changed.get(kind, 0)
    return f"{per_note:.1f} per note ({flagged} in all, {changed} of them changed by the worker)"


def summary_sections(g: GroupFigures) -> list[dict]:
    a = g.accuracy
    return [
        {"id": "volume", "heading": "Volume", "rows": [
            ("Recordings", str(g.recordings)),
            ("Minutes dictated", f"{g.minutes_dictated:.1f}"),
            ("Visits signed", str(g.visits_signed)),
            ("Notes signed (one per child)", str(g.notes_signed)),
            ("Children recorded", str(g.children_recorded))]},
        {"id": "times", "heading": "Time", "rows": [
            ("End of recording to draft ready", stats_text(g.recording_to_draft)),
            ("Draft ready to signed", stats_text(g.draft_to_signed)),
            ("End of recording to signed", stats_text(g.recording_to_signed)),
            ("Active review time per visit", stats_text(g.active_review)),
            ("Active review time in all", minutes_text(g.active_review_minutes))]},
        {"id": "accuracy", "heading": "How right the draft was", "rows": [
            ("Visits with an edit record", str(a.notes)),
            ("Drafted words kept in the signed note", share_text(a.kept_words, a.drafted_words)),
            ("Drafted sections rewritten", share_text(a.sections_rewritten, a.sections_drafted)),
            ("Sections written where the draft had nothing", str(a.sections_added)),
            ("Visit fields changed", share_text(a.visit_fields_changed, a.visit_fields)),
            ("Visit fields filled in that the draft left open", share_text(a.visit_fields_filled, a.visit_fields)),
            ("Factor suggestions accepted", share_text(a.suggestions_accepted,
                                                       a.suggestions_accepted + a.suggestions_rejected)),
            ("Factor suggestions rejected", str(a.suggestions_rejected)),
            ("Factor codes added by hand", str(a.codes_added)),
            *((f"{name} (check marks)", check_text(a, kind)) for kind, name in CHECK_NAMES.items())]},
    ]


def saved_rows(report: Report) -> list[tuple[str, str]]:
    saved = report.total.time_saved
    return [("Per worker per week", minutes_text(saved.saved_minutes_per_worker_week)),
            ("Typing the signed notes would take", minutes_text(saved.typing_minutes)),
            ("Dictating them took", minutes_text(saved.dictated_minutes)),
            ("Reviewing them took (active time)", minutes_text(saved.review_minutes)),
            ("Saved in all", f"{minutes_text(saved.saved_minutes)}, over {_unit(saved.visits, 'signed visit')} by "
                             f"{_unit(saved.workers, 'worker')}")]


def group_row(g: GroupFigures) -> dict:
    saved = g.time_saved.saved_minutes_per_worker_week
    return {"team": g.team or "No team", "worker": g.worker, "recordings": g.recordings,
            "minutes": f"{g.minutes_dictated:.1f}", "visits_signed": g.visits_signed, "notes_signed": g.notes_signed,
            "children": g.children_recorded, "to_draft": duration_text(g.recording_to_draft.median_s),
            "to_signed": duration_text(g.draft_to_signed.median_s),
            "to_signed_p90": duration_text(g.draft_to_signed.p90_s),
            "review": duration_text(g.active_review.median_s),
            "kept": share_text(g.accuracy.kept_words, g.accuracy.drafted_words),
            "saved": minutes_text(saved)}


# --- the charts -----------------------------------------------------------------------


def _time_unit(longest_s: float) -> tuple[float, str]:
    if longest_s < 120:
        return 1.0, "seconds"
    if longest_s < 2 * 3600:
        return 60.0, "minutes"
    if longest_s < 72 * 3600:
        return 3600.0, "hours"
    return 86400.0, "days"


def week_label(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def weekly_chart(report: Report):
    weeks = [w for w in report.weekly if w.recording_to_signed.median_s is not None]
    if not weeks:
        return None
    divisor, unit = _time_unit(max(w.recording_to_signed.median_s for w in weeks))
    bars = [Bar(label=week_label(w.week_start), value=w.recording_to_signed.median_s / divisor,
                text=f"{w.recording_to_signed.median_s / divisor:.1f}") for w in weeks]
    slowest = max(weeks, key=lambda w: w.recording_to_signed.median_s)
    desc = (f"Median time from the end of the recording to the signed note, in {unit}, for the visits recorded in "
            f"each of {_unit(len(weeks), 'week')}. The longest was the week of {week_label(slowest.week_start)}: "
            f"{duration_text(slowest.recording_to_signed.median_s)}. The table beside the chart gives every value.")
    return column_chart("chart-weekly", title="Time to signed note per week", desc=desc, bars=bars,
                        axis_label=f"Median, {unit}")


def code_chart(report: Report):
    if not report.codes:
        return None
    rows = [StackedRow(label=c.code, segments=tuple(Segment(key, getattr(c, key)) for key in CODE_SERIES),
                       text=f"{c.accepted} accepted, {c.rejected} rejected, {c.added} added by hand")
            for c in report.codes]
    accepted = sum(c.accepted for c in report.codes)
    suggested = sum(c.suggested for c in report.codes)
    desc = (f"For each census code, how many suggestions the workers accepted and rejected and how many times "
            f"they added the code by hand (counted per child). In all, {accepted} of {suggested} suggestions were "
            f"accepted. The table beside the chart gives every value.")
    return stacked_bar_chart("chart-codes", title="Acceptance per census code", desc=desc, rows=rows)


def page_context(report: Report) -> dict:
    return {
        "summary": summary_sections(report.total),
        "saved_rows": saved_rows(report),
        "weeks": [{"label": f"Week of {week_label(w.week_start)} {w.week_start.year}",
                   "visits": w.visits_signed, "median": duration_text(w.recording_to_signed.median_s),
                   "p90": duration_text(w.recording_to_signed.p90_s)} for w in report.weekly],
        "weekly_chart": weekly_chart(report),
        "codes": [{"code": c.code, "label": c.label, "accepted": c.accepted, "rejected": c.rejected,
                   "added": c.added,
                   "acceptance": f"{round(100 * c.acceptance)}%" if c.acceptance is not None else "–"}
                  for c in report.codes],
        "code_chart": code_chart(report),
        "code_legend": [(legend_swatch(key), name) for key, name in CODE_SERIES.items()],
        "teams": [group_row(t) for t in report.teams],
        "workers": [group_row(w) for w in report.workers],
        "period_text": f"{_long_date(report.period_start)} to {_long_date(report.period_end)}",
    }


def _long_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"
