"""``casenote export NOTE_ID --format ...``: a confirmed note from the service's
database, in any export format, audited like an export through the API."""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from models.errors import ExportError

# The registry (and its PDF/Word libraries) is imported only when the command runs.
BINARY_FORMATS = {"docx", "pdf"}


class NoteNotFound(ExportError):
    code = "note_not_found"


def register(app: typer.Typer) -> None:
    from pipeline.cli import one_line_errors

    app.command(name="export")(one_line_errors(export))


def export(
    note_ids: Annotated[list[int], typer.Argument(metavar="NOTE_ID...", help="Confirmed note id(s); several only for csv")],
    format_name: Annotated[str, typer.Option("--format", "-f", help="text, docx, pdf, json, csv or cin-xml")] = "text",
    preset: Annotated[Optional[str], typer.Option("--preset", help="Case-system preset: casenote, lcs, mosaic, eclipse...")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file (else standard output)")] = None,
    assessment_start: Annotated[Optional[str], typer.Option("--assessment-start", help="cin-xml: YYYY-MM-DD")] = None,
    assessment_authorised: Annotated[Optional[str], typer.Option("--assessment-authorised", help="cin-xml: YYYY-MM-DD")] = None,
) -> None:
    """Export confirmed note(s): text, docx, pdf, json, csv or cin-xml."""
    from api.exports.context import ExportOptions
    from api.exports.registry import export_format, export_note, export_notes_csv
    from api.exports.presets import load_preset
    from models.settings import get_settings

    settings = get_settings()
    export_format(format_name)
    load_preset(preset, settings)
    if len(note_ids) > 1 and format_name != "csv":
        raise ExportError(f"only csv takes several notes (one row each); {format_name} takes one NOTE_ID")
    if out is None and format_name in BINARY_FORMATS and sys.stdout.isatty():
        raise ExportError(f"{format_name} is a binary file: give --out FILE")
    options = ExportOptions(preset=preset, assessment_start_date=_date(assessment_start, "--assessment-start"),
                            assessment_authorisation_date=_date(assessment_authorised, "--assessment-authorised"))
    notes = _load_and_audit(note_ids, format_name, options.preset, settings, lambda notes: (
        export_notes_csv(notes, options, settings) if format_name == "csv"
        else export_note(notes[0], format_name, options, settings).content))
    if out is None:
        sys.stdout.buffer.write(notes)
        sys.stdout.buffer.flush()
    else:
        try:
            out.write_bytes(notes)
        except OSError as exc:
            raise ExportError(f"cannot write {out}: {exc.strerror or exc}") from None
        typer.echo(f"wrote {out} ({len(notes)} bytes)", err=True)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ExportError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None


def _load_and_audit(note_ids: list[int], format_name: str, preset: str | None, settings, render) -> bytes:
    """Read the notes, render, and record one audit event per note, in one transaction."""
    from api.context import build_context
    from api.db.migrate import current_revision
    from api.db.models import ConfirmedNoteRow
    from api.services.audit import record_event
    from api.services.notes import note_from_row

    database = settings.data_dir / "casenote.db"
    if not settings.database_url and not database.exists():
        raise ExportError(f"no casenote database at {database} (set CASENOTE_DATA_DIR or CASENOTE_DATABASE_URL)")
    ctx = build_context(settings)
    try:
        if current_revision(ctx.engine) is None:
            raise ExportError("the database has no casenote schema: start the service once (casenote serve)")
        with ctx.session_factory() as db:
            notes = []
            for note_id in note_ids:
                row = db.get(ConfirmedNoteRow, note_id)
                if row is None:
                    raise NoteNotFound(f"no confirmed note {note_id}")
                notes.append(note_from_row(row))
            content = render(notes)
            for note in notes:
                # No service account here: the operating-system user is the actor's trace.
                record_event(db, None, "export", "note", note.id, format=format_name, preset=preset or "casenote",
                             via="cli", os_user=getpass.getuser())
            db.commit()
        return content
    finally:
        ctx.engine.dispose()
