"""Structured plain text with headings, ready to paste into a case system's note editor."""

from __future__ import annotations

from api.exports.context import RenderContext
from api.exports.presets import Preset
from api.exports.record import sections_text, signature_lines, visit_lines, visit_title
from models.record import ConfirmedNote


def _aligned(lines: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label + ':':<{width + 1}} {value}" for label, value in lines)


def _heading(text: str) -> str:
    return f"{text}\n{'-' * len(text)}"


def factor_lines(note: ConfirmedNote) -> list[str]:
    return [f"{f.code} – {f.label}" + (" (added by the worker)" if f.source == "added" else "") for f in note.factors]


def render_text(note: ConfirmedNote, preset: Preset, zone) -> str:
    title = visit_title(note, zone)
    parts = [
        f"{title}\n{'=' * len(title)}",
        _aligned(visit_lines(note, preset, zone)),
        sections_text(note.sections, preset),
        _heading(preset.label("factors")) + "\n" + ("\n".join(factor_lines(note)) or "None confirmed"),
        _heading("Confirmation") + "\n" + _aligned(signature_lines(note, preset, zone)),
    ]
    return "\n\n".join(parts) + "\n"


def render(note: ConfirmedNote, ctx: RenderContext) -> bytes:
    return render_text(note, ctx.preset, ctx.zone).encode("utf-8")
