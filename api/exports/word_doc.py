"""The signed record as a Word document, for upload to the child's record."""

from __future__ import annotations

import io
from datetime import timezone

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from api.exports.context import RenderContext
from api.exports.plain_text import factor_lines
from api.exports.presets import Preset
from api.exports.record import local, record_of, section_title, signature_lines, visit_lines, visit_title
from models.record import ConfirmedNote

GREY = RGBColor(0x55, 0x55, 0x55)


def _field_table(document, lines: list[tuple[str, str]]) -> None:
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in lines:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(label).bold = True
        cells[1].paragraphs[0].add_run(value)


def _paragraphs(document, text: str) -> None:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()] or ["(nothing recorded)"]
    for block in blocks:
        document.add_paragraph(block)


def _header_footer(document, note: ConfirmedNote) -> None:
    section = document.sections[0]
    head = section.header.paragraphs[0]
    head.text = f"Confirmed case note · {record_of(note)} · casenote note {note.id}"
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot = section.footer.paragraphs[0]
    foot.text = f"Content SHA-256 {note.content_sha256}"
    for paragraph in (head, foot):
        for run in paragraph.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = GREY


def build_document(note: ConfirmedNote, preset: Preset, zone):
    document = Document()
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    _header_footer(document, note)

    document.add_heading(visit_title(note, zone), level=0)
    document.add_paragraph("Confirmed case note: checked and confirmed by the worker.").runs[0].italic = True
    _field_table(document, visit_lines(note, preset, zone))

    for section in note.sections:
        document.add_heading(section_title(section, preset), level=1)
        _paragraphs(document, section.text)

    document.add_heading(preset.label("factors"), level=1)
    lines = factor_lines(note)
    for line, factor in zip(lines, note.factors):
        document.add_paragraph(line, style="List Bullet")
        if factor.evidence:
            quote = document.add_paragraph(f"“{factor.evidence[0].text.strip()}”")
            quote.paragraph_format.left_indent = Pt(24)
            quote.runs[0].italic = True
    if not lines:
        document.add_paragraph("None confirmed")

    document.add_heading("Confirmation", level=1)
    _field_table(document, signature_lines(note, preset, zone))

    props = document.core_properties
    props.title = visit_title(note, zone)
    props.subject = f"Case {note.case_reference}"
    props.author = note.worker
    props.last_modified_by = note.confirmed_by
    props.identifier = f"casenote-note-{note.id}"
    props.keywords = f"sha256:{note.content_sha256}"
    # python-docx writes these as UTC.
    props.created = props.modified = local(note.confirmed_at, timezone.utc).replace(tzinfo=None)
    props.revision = 1
    return document


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    buffer = io.BytesIO()
    build_document(note, ctx.preset, ctx.zone).save(buffer)
    return buffer.getvalue()
