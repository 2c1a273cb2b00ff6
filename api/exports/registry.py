"""The export formats, and the one entry point every caller (API, CLI, connectors) uses."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from pydantic import BaseModel

from api.exports import cin_xml, csv_rows, json_doc, pdf_doc, plain_text, word_doc
from api.exports.context import ExportOptions, RenderContext
from api.exports.presets import load_preset
from api.exports.record import display_zone
from models.errors import NotExportable, UnknownFormat
from models.record import ConfirmedNote
from models.settings import Settings
from models.text import printable

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    description: str
    render: Callable[[ConfirmedNote, RenderContext], bytes]


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in [
        ExportFormat("text", "text/plain; charset=utf-8", "txt",
                     "Structured plain text with headings, to paste into a case-note editor", plain_text.render),
        ExportFormat("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx",
                     "Signed record as a Word document, to attach to the child's record", word_doc.render),
        ExportFormat("pdf", "application/pdf", "pdf",
                     "Signed record as a PDF, to attach to the child's record", pdf_doc.render),
        ExportFormat("json", "application/json", "json",
                     "Versioned JSON document (schema at /api/schemas/note.json)", json_doc.render),
        ExportFormat("csv", "text/csv; charset=utf-8", "csv",
                     "One row with the statutory visit fields, for a bulk import", csv_rows.render),
        ExportFormat("cin-xml", "application/xml", "xml",
                     "Confirmed factors as a CIN census <Assessments> fragment", cin_xml.render),
    ]
}


class ExportResult(BaseModel):
    format: str
    preset: str
    media_type: str
    filename: str
    content: bytes


def export_format(name: str) -> ExportFormat:
    if name not in FORMATS:
        raise UnknownFormat(f"unknown export format {name!r}; choose one of: {', '.join(FORMATS)}")
    return FORMATS[name]


def render_context(options: ExportOptions, settings: Settings) -> RenderContext:
    return RenderContext(
        preset=load_preset(options.preset, settings),
        zone=display_zone(settings.export_timezone),
        pdf_font_dir=settings.pdf_font_dir,
        assessment_start_date=options.assessment_start_date,
        assessment_authorisation_date=options.assessment_authorisation_date,
    )


def export_filename(note: ConfirmedNote, fmt: ExportFormat) -> str:
    safe_ref = "".join(c if c.isalnum() or c in "-_" else "_" for c in note.case_reference)[:40]
    return f"casenote-{note.id}-{safe_ref}.{fmt.extension}"


def exportable(note: ConfirmedNote) -> ConfirmedNote:
    """The note with every text made printable (``models.text.printable``: no control
    characters, lone surrogates as U+FFFD), so any stored note, even one signed before
    texts were cleaned on save, renders in every format. The hash it carries stays that
    of the signed content."""
    return ConfirmedNote.model_validate(_printable(note.model_dump()))


def _printable(value):
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value


def export_note(note: ConfirmedNote, format_name: str, options: ExportOptions, settings: Settings) -> ExportResult:
    """One confirmed note in one format. Raises ExportError subclasses for bad requests."""
    fmt = export_format(format_name)
    ctx = render_context(options, settings)
    note = exportable(note)
    content = fmt.render(note, ctx)
    logger.info("exported note %s as %s (preset %s, %d bytes)", note.id, fmt.name, ctx.preset.name, len(content))
    return ExportResult(format=fmt.name, preset=ctx.preset.name, media_type=fmt.media_type,
                        filename=export_filename(note, fmt), content=content)


def export_notes_csv(notes: list[ConfirmedNote], options: ExportOptions, settings: Settings) -> bytes:
    """Several notes as one CSV (one row each), for a bulk import."""
    if not notes:
        raise NotExportable("no notes to export")
    ctx = render_context(options, settings)
    return csv_rows.render_many([exportable(note) for note in notes], ctx.preset, ctx.zone)
