"""The report as one CSV table, one figure a row ("long" form: a spreadsheet's pivot
table lays it out any way; a figure added later is a new row, never a moved column).

Columns: section (report, total, team, worker, week, code), team, worker,
week_start, code, code_label, figure (the JSON answer's name for it, nested names
joined with '.', e.g. ``recording_to_signed.median_s``), value. Text cells are
neutralised against formulas as the note exports are (``api/exports/csv_rows.py``);
numbers are written by this module, so a negative one (time saved can be) stays a
number."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from api.exports.csv_rows import neutralised
from api.services.report_figures import GroupFigures, Report

HEADER = ["section", "team", "worker", "week_start", "code", "code_label", "figure", "value"]
NO_TEAM = "(no team)"


def number(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return f"{value:.4f}".rstrip("0").rstrip(".")


def flat(data: dict, prefix: str = "") -> Iterator[tuple[str, object]]:
    """(dotted name, value) for every leaf of a dumped model."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from flat(value, name + ".")
        else:
            yield name, value


def _group_rows(section: str, group: GroupFigures) -> Iterator[list[str]]:
    team = "" if section == "total" else (group.team if group.team is not None else NO_TEAM)
    for name, value in flat(group.model_dump(mode="json", exclude={"team", "worker"})):
        yield [section, team, group.worker or "", "", "", "", name, number(value)]


def rows(report: Report) -> Iterator[list[str]]:
    period = [("period_start", report.period_start.isoformat()), ("period_end", report.period_end.isoformat()),
              ("scope", report.scope), ("timezone", report.assumptions.timezone)]
    for name, text in period:
        yield ["report", "", "", "", "", "", name, text]
    for name, value in [("weeks", report.weeks), ("typing_wpm", report.assumptions.typing_wpm),
                        ("idle_gap_minutes", report.assumptions.idle_gap_minutes)]:
        yield ["report", "", "", "", "", "", name, number(value)]
    yield from _group_rows("total", report.total)
    for team in report.teams:
        yield from _group_rows("team", team)
    for worker in report.workers:
        yield from _group_rows("worker", worker)
    for week in report.weekly:
        for name, value in flat(week.model_dump(mode="json", exclude={"week_start"})):
            yield ["week", "", "", week.week_start.isoformat(), "", "", name, number(value)]
    for code in report.codes:
        for name in ("accepted", "rejected", "added"):
            yield ["code", "", "", "", code.code, code.label, name, number(getattr(code, name))]


def render_csv(report: Report) -> bytes:
    """RFC 4180 (CRLF), UTF-8 with a byte-order mark so spreadsheets read it as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADER)
    numeric = HEADER.index("value")
    for row in rows(report):
        writer.writerow([cell if (n == numeric and _is_number(cell)) else neutralised(cell)
                         for n, cell in enumerate(row)])
    return out.getvalue().encode("utf-8-sig")


def _is_number(cell: str) -> bool:
    return _NUMBER.fullmatch(cell) is not None


_NUMBER = re.compile(r"-?\d+(\.\d+)?")  # as number() writes them; nothing else escapes neutralising
