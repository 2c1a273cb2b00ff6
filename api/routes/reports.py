"""The report for managers and admins, as JSON or CSV (the page is ``/reports``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.services.report_csv import render_csv
from api.services.report_figures import Report
from api.services.reports import ReportRequest, build_report

router = APIRouter(tags=["reports"])


@router.get("/api/reports", response_model=Report,
            responses={200: {"content": {"text/csv": {}}, "description": "The report (JSON, or CSV with format=csv)"},
                       404: {"description": "Workers have no report"}})
def report(
    db: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    start: Annotated[date | None, Query(alias="from", description="First day (default: 27 days before `to`)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, inclusive (default: today)")] = None,
    team: Annotated[str | None, Query(max_length=64, description="Only this team's visits")] = None,
    typing_wpm: Annotated[float | None, Query(ge=5, le=200, description=(
        "The estimate's typing speed for this answer (default: CASENOTE_REPORT_TYPING_WPM)"))] = None,
    format_name: Annotated[Literal["json", "csv"], Query(alias="format")] = "json",
):
    """Volume, times, how right the drafts were and the estimated time saved, per team
    and per worker, for the visits recorded in the period (managers: their team;
    admins: every team). Audited; never any note text."""
    found = build_report(db, user, ReportRequest(start=start, end=end, team=team, typing_wpm=typing_wpm),
                         settings, via=format_name)
    db.commit()
    if format_name == "csv":
        name = f"casenote-report-{found.period_start.isoformat()}-to-{found.period_end.isoformat()}.csv"
        return Response(render_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"',
                                 "Cache-Control": "no-store"})
    return found
