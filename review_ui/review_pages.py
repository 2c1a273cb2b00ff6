"""Review a draft, check and confirm it, read the confirmed note."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.db.audit import record_refusal
from api.db.models import Draft
from api.delivery.outbox import deliveries_for
from api.deps import SessionDep
from api.exports.context import ExportOptions
from api.exports.presets import DEFAULT_PRESET, load_preset, preset_names
from api.exports.record import person_text, visit_moment_text
from api.exports.registry import FORMATS, render_context
from api.problems import problem_for
from api.services.children import undecided_pairs
from api.services.drafts import draft_view, get_draft, view_draft
from api.services.notes import build_confirmed_notes, confirm_draft, get_note, visit_notes
from models.cin_codes import cin_factors
from models.errors import Conflict, ExportError, InvalidRequest, NotFound, PermissionDenied
from models.record import DraftStatus, DraftView
from review_ui.backend import Who, service
from review_ui.confirm_view import fixed_values, note_previews
from review_ui.rendering import render, script_json, when
from review_ui.view import code_options, factor_views, section_views, textarea_rows, visit_field_views
from review_ui.visit_view import VISIT_TYPES, child_views, removed_children, visit_details

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)

T = TypeVar("T")


def _to_sign_in(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/sign-in?next={request.url.path}", status_code=303)


def _not_found(request: Request, who, what: str) -> Response:
    return render(request, "error.html", {
        "who": who, "heading": f"{what.capitalize()} not found",
        "message": f"There is no {what} with that number that you can see."}, status_code=404)


def _load(request: Request, who, what: str, load: Callable[[], T], db) -> T | Response:
    """What ``load`` finds, or the page to answer with instead: the sign-in page when
    nobody is signed in, "not found" when there is no such thing (the answer, too, for
    a draft or note this user may not see; audited as a refusal, as in the API)."""
    if who is None:
        return _to_sign_in(request)
    try:
        return load()
    except NotFound:
        db.rollback()
        record_refusal(db, who.user, method=request.method, path=request.url.path, status=404, reason="not-found")
        return _not_found(request, who, what)


def _to_note_if_confirmed(view: DraftView) -> RedirectResponse | None:
    """A draft already confirmed is shown as its confirmed note."""
    if view.status == DraftStatus.confirmed and view.confirmed_note_id:
        return RedirectResponse(f"/notes/{view.confirmed_note_id}", status_code=303)
    return None


def _header(view: DraftView, settings) -> dict:
    return {"id": view.id, "version": view.version, "case_reference": view.case_reference,
            "recorded_label": when(view.recorded_at, settings), "worker": view.worker}


def _labels() -> dict[str, str]:
    return {code: factor.label for code, factor in cin_factors().items()}


@router.get("/drafts/{draft_id}")
def review_page(request: Request, draft_id: int, who: Who, db: SessionDep) -> Response:
    settings = service(request).settings
    view = _load(request, who, "draft", lambda: view_draft(db, who.user, draft_id, settings), db)  # audited
    if isinstance(view, Response):
        return view
    db.commit()
    if moved := _to_note_if_confirmed(view):
        return moved
    texts = {s.key: s.text for s in view.review.sections}
    sections = section_views(view.note, texts, settings.flag_word_probability)
    suggested, added = factor_views(view.note, view.review)
    children = child_views(view.review, view.note, view.case_reference, _labels())
    has_audio = view.note.transcript is not None and any(
        s.start_s is not None for section in view.note.sections for s in section.sentences)
    return render(request, "review.html", {
        "who": who,
        "draft": _header(view, settings),
        "sections": [dict(s.model_dump(), rows=textarea_rows(s.text)) for s in sections],
        "visit": visit_details(view.review, view.note, when(view.recorded_at, settings)),
        "visit_types": VISIT_TYPES,
        "children": children,
        "removed": removed_children(view.review),
        "suggested": suggested,
        "added": added,
        "undecided": len(undecided_pairs(view.review)),
        "problems": view.census_problems,
        "codes": code_options(),
        "has_audio": has_audio,
        "audio_url": f"/api/recordings/{view.recording_id}/audio",
        # What the scripts need: the version edited and the review state.
        "state_json": script_json({"id": view.id, "version": view.version,
                                   "review": view.review.model_dump(mode="json")}),
    })


def _confirm_context(request: Request, who, draft: Draft, view: DraftView, problems: list[str]) -> dict:
    """Everything confirming would sign, as the notes sign-off would make them."""
    settings = service(request).settings
    ctx = render_context(ExportOptions(), settings)
    notes = build_confirmed_notes(draft, view.review, who.user, zone=ctx.zone)
    keys = [c.key for c in view.review.active_children()]
    _, presets, _ = _export_choices(settings)
    suggested, _ = factor_views(view.note, view.review)
    return {
        "who": who, "draft": _header(view, settings), "problems": problems,
        "sections": view.review.sections,
        "visit": notes[0] if notes else None,
        "visit_moment": visit_moment_text(notes[0], ctx.preset, ctx.zone) if notes else "",
        "people": [person_text(p) for p in view.review.visit.people_present],
        "said_when": view.note.visit.when.said if view.note.visit.when else None,
        "children": child_views(view.review, view.note, view.case_reference, _labels()),
        "previews": note_previews(notes, keys, ctx),
        "fixed_values": fixed_values([load_preset(p["name"], settings) for p in presets]),
        "rejected": [f for f in suggested if f.decision == "rejected"],
        "census": view.census_problems,
    }


@router.get("/drafts/{draft_id}/confirm")
def confirm_page(request: Request, draft_id: int, who: Who, db: SessionDep) -> Response:
    settings = service(request).settings
    draft = _load(request, who, "draft", lambda: get_draft(db, who.user, draft_id), db)
    if isinstance(draft, Response):
        return draft
    view = draft_view(db, draft, settings)
    if moved := _to_note_if_confirmed(view):
        return moved
    return render(request, "confirm.html", _confirm_context(request, who, draft, view, view.confirm_problems))


@router.post("/drafts/{draft_id}/confirm")
def confirm(request: Request, draft_id: int, who: Who, db: SessionDep) -> Response:
    # The form's CSRF token was checked by the API's dependency behind `who`.
    if who is None:
        return _to_sign_in(request)
    ctx = service(request)
    try:
        notes = confirm_draft(db, who.user, draft_id, ctx.settings)
        db.commit()
    except NotFound:
        db.rollback()
        return _not_found(request, who, "draft")
    except (InvalidRequest, PermissionDenied, Conflict) as refused:
        db.rollback()
        reasons = getattr(refused, "reasons", None) or [str(refused)]
        draft = get_draft(db, who.user, draft_id)
        view = draft_view(db, draft, ctx.settings)
        if moved := _to_note_if_confirmed(view):
            return moved
        return render(request, "confirm.html", _confirm_context(request, who, draft, view, reasons),
                      status_code=problem_for(refused).status)
    ctx.wake_background()  # its deliveries are queued
    return RedirectResponse(f"/notes/{notes[0].id}?confirmed=1", status_code=303)


FORMAT_WORDS = {"docx": "Word document (.docx), to attach to the child's record",
                "pdf": "PDF, to attach to the child's record",
                "text": "Plain text, to paste into the case system's note editor",
                "csv": "CSV (visit fields), for a bulk import",
                "json": "JSON, for an integration engine",
                "cin-xml": "CIN census XML (the factors)"}
DELIVERY_TAGS = {"delivered": ("Sent", "govuk-tag--green"), "pending": ("Waiting to send", "govuk-tag--yellow"),
                 "failed": ("Failed", "govuk-tag--red")}


def _export_choices(settings) -> tuple[list[dict], list[dict], str]:
    """(formats, case-system presets, default preset) for the download form."""
    formats = [{"name": name, "text": FORMAT_WORDS.get(name, fmt.description)} for name, fmt in FORMATS.items()]
    try:
        presets = [load_preset(name, settings) for name in preset_names(settings)]
    except ExportError:
        logger.warning("an export preset could not be read; offering the default only")
        presets = [load_preset(None, settings)]
    return formats, [{"name": p.name, "title": p.title, "description": p.description} for p in presets], \
        DEFAULT_PRESET


def _deliveries(db, note_id: int, settings, may_retry: bool) -> list[dict]:
    rows = []
    for d in deliveries_for(db, note_id, settings):
        words, tag = DELIVERY_TAGS.get(d.status, (d.status, "govuk-tag--grey"))
        detail = d.last_error if d.status == "failed" else (
            f"sent {when(d.delivered_at, settings)}" if d.delivered_at else f"{d.attempts} tries so far")
        rows.append({"id": d.id, "connector": d.connector, "words": words, "tag": tag, "detail": detail,
                     "can_retry": d.can_retry and may_retry})
    return rows


@router.get("/notes/{note_id}")
def note_page(request: Request, note_id: int, who: Who, db: SessionDep, confirmed: bool = False) -> Response:
    note = _load(request, who, "confirmed note", lambda: get_note(db, who.user, note_id), db)  # audited as a view
    if isinstance(note, Response):
        return note
    siblings = [n for n in visit_notes(db, who.user, note.draft_id) if n.id != note.id] if note.group else []
    db.commit()
    settings = service(request).settings
    ctx = render_context(ExportOptions(), settings)
    formats, presets, default_preset = _export_choices(settings)
    return render(request, "note.html", {
        "who": who, "note": note, "just_confirmed": confirmed, "siblings": siblings,
        "recorded_label": when(note.recorded_at, settings),
        "confirmed_label": when(note.confirmed_at, settings),
        "visit_label": visit_moment_text(note, ctx.preset, ctx.zone) or "Not recorded",
        "people": [person_text(p) for p in note.visit.people_present],
        "visit_fields": visit_field_views(note.visit, child=note.child.name if note.child else None),
        "formats": formats, "presets": presets, "default_preset": default_preset,
        "deliveries": _deliveries(db, note.id, settings, may_retry=who.user.role != "admin"),  # admins look only
    })
