"""Exports of a confirmed note (audited), the list of formats and presets, and the
published JSON Schema of the JSON export."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.exports.context import ExportOptions
from api.exports.json_doc import schema_for
from api.exports.presets import DEFAULT_PRESET, load_preset, preset_names
from api.exports.registry import FORMATS, export_format, export_note
from api.services.notes import get_note

router = APIRouter(tags=["exports"])


class FormatOut(BaseModel):
    name: str
    media_type: str
    extension: str
    description: str


class PresetOut(BaseModel):
    name: str
    title: str
    description: str


class ExportChoices(BaseModel):
    formats: list[FormatOut]
    presets: list[PresetOut]
    default_preset: str


@router.get("/api/exports")
def export_choices(user: CurrentUser, settings: SettingsDep) -> ExportChoices:
    """The export formats and case-system presets (for the buttons on a confirmed note)."""
    presets = [load_preset(name, settings) for name in preset_names(settings)]
    return ExportChoices(
        formats=[FormatOut(name=f.name, media_type=f.media_type, extension=f.extension,
                           description=f.description) for f in FORMATS.values()],
        presets=[PresetOut(name=p.name, title=p.title, description=p.description) for p in presets],
        default_preset=DEFAULT_PRESET,
    )


@router.get("/api/notes/{note_id}/export", response_class=Response,
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}})
def export_confirmed_note(
    note_id: int,
    db: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    format_name: Annotated[str, Query(alias="format", description=", ".join(FORMATS))],
    preset: Annotated[str | None, Query(description="Case-system preset; default casenote")] = None,
    assessment_start_date: Annotated[date | None, Query(description="cin-xml only")] = None,
    assessment_authorisation_date: Annotated[date | None, Query(description="cin-xml only")] = None,
    download: Annotated[bool, Query(description="Content-Disposition attachment (else inline)")] = True,
) -> Response:
    """One confirmed note in one format. Every export is written to the audit log."""
    options = ExportOptions(preset=preset, assessment_start_date=assessment_start_date,
                            assessment_authorisation_date=assessment_authorisation_date)
    export_format(format_name)
    load_preset(preset, settings)
    # Audited in the same transaction; committed only once the export succeeded.
    note = get_note(db, user, note_id, action="export", format=format_name, preset=preset or DEFAULT_PRESET)
    result = export_note(note, format_name, options, settings)
    db.commit()
    disposition = "attachment" if download else "inline"
    return Response(
        content=result.content, media_type=result.media_type,
        headers={"Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(result.filename)}",
                 "X-Content-SHA256": note.content_sha256, "Cache-Control": "no-store"},
    )


@router.get("/api/schemas/note.json", response_class=Response,
            responses={200: {"content": {"application/schema+json": {}}}})
def note_json_schema(
    request: Request,
    user: CurrentUser,
    settings: SettingsDep,
    preset: Annotated[str | None, Query(description="Field names of this case-system preset")] = None,
) -> Response:
    """JSON Schema (draft 2020-12) of the JSON export, generated from its pydantic model."""
    chosen = load_preset(preset, settings)
    schema_id = str(request.url.replace(query=f"preset={quote(chosen.name)}"))
    body = json.dumps(schema_for(chosen, schema_id), ensure_ascii=False, indent=2)
    return Response(content=body, media_type="application/schema+json")
