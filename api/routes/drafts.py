"""Read a draft, autosave edits (If-Match), see its history, confirm it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Response

from api.deps import ContextDep, CurrentUser, SessionDep
from api.problems import Problem
from api.schemas import ConfirmedVisit, DraftSaved, DraftVersionOut
from api.services.drafts import get_version, list_versions, save_edits, view_draft
from api.services.notes import confirm_draft
from models.record import DraftEdits, DraftView, ReviewState

router = APIRouter(prefix="/api/drafts", tags=["drafts"])

_ETAG = re.compile(r'^\s*(?:W/)?"?(\d+)"?\s*$')


def etag(version: int) -> str:
    return f'"{version}"'


def parse_version(if_match: str | None, *, required: bool) -> int | None:
    if if_match is None:
        if required:
            raise Problem(428, "send If-Match with the version you edited (the ETag of GET /api/drafts/{id})",
                          type_="version-required")
        return None
    match = _ETAG.match(if_match)
    if match is None:
        raise Problem(400, "If-Match must be the draft's version, e.g. \"3\"", type_="invalid-request")
    return int(match.group(1))


@router.get("/{draft_id}")
def draft(draft_id: int, response: Response, db: SessionDep, user: CurrentUser, ctx: ContextDep) -> DraftView:
    """The draft as casenote made it, the worker's current review state, and what
    still stands in the way of confirming it. The ETag is the version."""
    view = view_draft(db, user, draft_id, ctx.settings)
    db.commit()
    response.headers["ETag"] = etag(view.version)
    response.headers["Cache-Control"] = "private, no-store"
    return view


@router.patch("/{draft_id}", responses={409: {"description": "Stale version; the body has the current one"},
                                        413: {"description": "The request is larger than CASENOTE_MAX_REQUEST_BYTES"},
                                        422: {"description": "A section longer than CASENOTE_MAX_SECTION_CHARS, or "
                                                             "broken text (a lone surrogate)"},
                                        428: {"description": "If-Match missing"}})
def autosave(draft_id: int, edits: DraftEdits, response: Response, db: SessionDep, user: CurrentUser,
             ctx: ContextDep, if_match: Annotated[str | None, Header()] = None) -> DraftSaved:
    """Save edits as a new version. ``If-Match`` must name the version edited; a stale
    one gets 409 with the current state, never a silent overwrite."""
    saved = save_edits(db, user, draft_id, edits, parse_version(if_match, required=True), ctx.settings)
    db.commit()
    response.headers["ETag"] = etag(saved.version)
    return saved


@router.get("/{draft_id}/versions")
def versions(draft_id: int, db: SessionDep, user: CurrentUser) -> list[DraftVersionOut]:
    out = list_versions(db, user, draft_id)
    db.commit()
    return out


@router.get("/{draft_id}/versions/{version}")
def version(draft_id: int, version: int, db: SessionDep, user: CurrentUser, ctx: ContextDep) -> ReviewState:
    out = get_version(db, user, draft_id, version, ctx.settings)
    db.commit()
    return out


@router.post("/{draft_id}/confirm", status_code=201,
             responses={422: {"description": "Not ready: 'reasons' lists why"},
                        409: {"description": "Already confirmed, or a stale If-Match"}})
def confirm(draft_id: int, response: Response, db: SessionDep, user: CurrentUser, ctx: ContextDep,
            if_match: Annotated[str | None, Header()] = None) -> ConfirmedVisit:
    """Sign off: the draft becomes read-only and one immutable confirmed note per child
    of the visit (the answer is the first child's note, with every note in ``notes``)."""
    notes = confirm_draft(db, user, draft_id, ctx.settings, parse_version(if_match, required=False))
    db.commit()
    ctx.wake_background()  # their deliveries are queued
    response.headers["Location"] = f"/api/notes/{notes[0].id}"
    return ConfirmedVisit(**notes[0].model_dump(), notes=notes)
