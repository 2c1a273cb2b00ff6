"""What a format needs besides the note: the caller's choices, resolved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo
from pathlib import Path

from pydantic import BaseModel, Field

from api.exports.presets import Preset


class ExportOptions(BaseModel):
    """What the person or connector asking for an export chooses."""

    preset: str | None = Field(None, description="Case-system preset (file stem); empty = casenote's own names")
    assessment_start_date: date | None = Field(None, description="cin-xml: the assessment's start date")
    assessment_authorisation_date: date | None = Field(None, description="cin-xml: its authorisation date")


@dataclass(frozen=True)
class RenderContext:
    preset: Preset
    zone: tzinfo
    pdf_font_dir: Path
    assessment_start_date: date | None = None
    assessment_authorisation_date: date | None = None
