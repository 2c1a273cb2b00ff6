"""The signed record as a PDF (fpdf2), for upload to the child's record.

Text uses DejaVu Sans (Debian's fonts-dejavu-core, ``Settings.pdf_font_dir``) so that
names with accents, curly quotes and dashes print as dictated."""

from __future__ import annotations

from datetime import timezone
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from api.exports.context import RenderContext
from api.exports.plain_text import factor_lines
from api.exports.presets import Preset
from api.exports.record import local, record_of, section_title, signature_lines, visit_lines, visit_title
from models.errors import ExportSetupError
from models.record import ConfirmedNote

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
GREY = (90, 90, 90)
RULE = (170, 170, 170)
LABEL_FILL = (236, 240, 244)


class RecordPDF(FPDF):
    """A4 record with the case reference in the header and page x/y + hash in the footer."""

    def __init__(self, note: ConfirmedNote, font_dir: Path) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.note = note
        for style, name in FONT_FILES.items():
            path = font_dir / name
            if not path.is_file():
                raise ExportSetupError(
                    f"PDF font {path} not found: install Debian's fonts-dejavu-core or set CASENOTE_PDF_FONT_DIR"
                )
            self.add_font(FONT, style, str(path))
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(auto=True, margin=20)

    def header(self) -> None:
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"Confirmed case note · {record_of(self.note)} · casenote note {self.note.id}",
                  align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(4)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, "", 7)
        self.set_text_color(*GREY)
        self.cell(0, 4, f"Content SHA-256 {self.note.content_sha256}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.multi_cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.set_font(FONT, "", 10)

    def body(self, text: str, style: str = "") -> None:
        self.set_font(FONT, style, 10)
        blocks = [b.strip() for b in text.split("\n\n") if b.strip()] or ["(nothing recorded)"]
        for block in blocks:
            self.multi_cell(0, 5.2, block, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.ln(1.5)
        self.set_font(FONT, "", 10)

    def field_table(self, lines: list[tuple[str, str]]) -> None:
        self.set_font(FONT, "", 9.5)
        self.set_draw_color(*RULE)
        label_style = FontFace(emphasis="BOLD", fill_color=LABEL_FILL)
        with self.table(col_widths=(55, 119), first_row_as_headings=False, line_height=5.5,
                        padding=1.5, text_align=("LEFT", "LEFT")) as table:
            for label, value in lines:
                row = table.row()
                row.cell(label, style=label_style)
                row.cell(value)
        self.set_font(FONT, "", 10)


def build_pdf(note: ConfirmedNote, preset: Preset, zone, font_dir: Path) -> RecordPDF:
    pdf = RecordPDF(note, font_dir)
    title = visit_title(note, zone)
    pdf.set_title(title)
    pdf.set_subject(f"Case {note.case_reference}")
    pdf.set_author(note.worker)
    pdf.set_keywords(f"casenote-note-{note.id} sha256:{note.content_sha256}")
    pdf.set_creator("casenote")
    # The confirmation time, not "now": the same note always gives the same PDF.
    pdf.set_creation_date(local(note.confirmed_at, timezone.utc))
    pdf.add_page()

    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 9, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, "I", 9.5)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(0, 5, "Confirmed case note: checked and confirmed by the worker.",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)
    pdf.field_table(visit_lines(note, preset, zone))

    for section in note.sections:
        pdf.heading(section_title(section, preset))
        pdf.body(section.text)

    pdf.heading(preset.label("factors"))
    lines = factor_lines(note)
    for line, factor in zip(lines, note.factors):
        pdf.body(f"•  {line}")
        if factor.evidence:
            with pdf.local_context():
                pdf.set_x(pdf.l_margin + 6)
                pdf.set_text_color(*GREY)
                pdf.set_font(FONT, "I", 9)
                pdf.multi_cell(0, 4.8, f"“{factor.evidence[0].text.strip()}”", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1.5)
    if not lines:
        pdf.body("None confirmed")

    pdf.heading("Confirmation")
    pdf.field_table(signature_lines(note, preset, zone))
    return pdf


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    return bytes(build_pdf(note, ctx.preset, ctx.zone, ctx.pdf_font_dir).output())
