"""The report page for managers and admins (``/reports``): the API's report (same
scope, same audit) with GOV.UK date inputs for the period, summary lists, tables
and two server-drawn charts. Workers get the same "not found" page as for anything
outside their scope."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from api.db.audit import record_refusal
from api.db.models import Recording
from api.deps import SessionDep
from api.services.reports import READER_ROLES, build_report
from api.services.scope import visible_to
from models.errors import InvalidRequest
from review_ui.backend import Who, service
from review_ui.rendering import render
from review_ui.report_view import download_query, page_context, period_form

router = APIRouter(include_in_schema=False)


def _teams(db, user) -> list[str]:
    """The teams an admin can pick from: every team a visible recording was made in."""
    if user.role != "admin":
        return []
    return sorted(t for t in db.scalars(select(Recording.team).distinct()
                                        .where(visible_to(user, Recording.owner_id, Recording.team))) if t)


@router.get("/reports")
def report_page(request: Request, who: Who, db: SessionDep) -> Response:
    if who is None:
        return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)
    if who.user.role not in READER_ROLES:
        record_refusal(db, who.user, method=request.method, path=request.url.path, status=404, reason="not-found")
        return render(request, "error.html", {"who": who, "heading": "Page not found",
                                              "message": "There is no report here that you can see."},
                      status_code=404)
    settings = service(request).settings
    form = period_form(request.query_params, settings.report_typing_wpm)
    context = {"who": who, "nav": "reports", "form": form, "teams": _teams(db, who.user),
               "is_admin": who.user.role == "admin", "report": None}
    if form.errors:
        db.commit()
        return render(request, "reports.html", context, status_code=400)
    try:
        report = build_report(db, who.user, form.request, settings, via="page")  # audited
    except InvalidRequest as refused:  # a period longer than the longest one
        db.rollback()
        form.errors["from-day"] = str(refused)[:1].upper() + str(refused)[1:]
        return render(request, "reports.html", context, status_code=400)
    db.commit()
    for name, day in (("from", report.period_start), ("to", report.period_end)):
        if not form.values.get(f"{name}-day"):  # a date left empty: show the one chosen for them
            form.values.update({f"{name}-day": str(day.day), f"{name}-month": str(day.month),
                                f"{name}-year": str(day.year)})
    context.update(report=report, csv_url=download_query(report, form.request, "csv"),
                   json_url=download_query(report, form.request, "json"), **page_context(report))
    return render(request, "reports.html", context)
