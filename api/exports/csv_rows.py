"""CSV: one row per note with the statutory visit fields, for a bulk import.

A cell that starts with = + - @ (or a tab or carriage return) would be read as a
formula by Excel, LibreOffice and Google Sheets, so a case reference such as
``=HYPERLINK(...)`` could run when the file is opened. Such cells get a leading
apostrophe, as OWASP advises: spreadsheets show the text as it is, and an importer
that reads the CSV as data sees one extra character at the start."""

from __future__ import annotations

import csv
import io

from api.exports.context import RenderContext
from api.exports.presets import Preset
from api.exports.record import flat_values
from models.record import ConfirmedNote


def header(preset: Preset) -> list[str]:
    return [preset.field_name(key) for key in preset.csv_columns] + list(preset.fixed_values)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """The cell as text a spreadsheet will not run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def row(note: ConfirmedNote, preset: Preset, zone) -> list[str]:
    values = flat_values(note, preset, zone)
    fixed = ["" if v is None else str(v) for v in preset.fixed_values.values()]
    return [neutralised(cell) for cell in [values[key] for key in preset.csv_columns] + fixed]


def render_many(notes: list[ConfirmedNote], preset: Preset, zone) -> bytes:
    """RFC 4180 rows (CRLF); UTF-8, with a byte-order mark if the preset asks (spreadsheets)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralised(name) for name in header(preset)])
    for note in notes:
        writer.writerow(row(note, preset, zone))
    return out.getvalue().encode(preset.csv_encoding)


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    return render_many([note], ctx.preset, ctx.zone)
