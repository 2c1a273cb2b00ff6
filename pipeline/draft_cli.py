"""``casenote draft`` and ``casenote evaluate``: thin shells over ``pipeline.draft`` and
``pipeline.drafting.evaluation``. Bad input ends with one line on stderr, exit code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from models.draft import DraftNote
from models.settings import get_settings
from pipeline.errors import TextFileError

DEFAULT_DEVSET = Path(__file__).resolve().parents[1] / "tests" / "devset" / "dev"
MAX_TEXT_BYTES = 5 * 1024 * 1024  # a dictated note is a few kilobytes; more is not a transcript


def register(app: typer.Typer) -> None:
    from pipeline.cli import one_line_errors

    app.command("draft")(one_line_errors(draft))
    app.command("evaluate")(one_line_errors(evaluate))


def draft(
    audio: Annotated[Optional[Path], typer.Argument(help="Recording to transcribe and draft")] = None,
    text: Annotated[Optional[Path], typer.Option("--text", help="Draft from a plain-text transcript")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the full DraftNote JSON")] = False,
    template: Annotated[Optional[Path], typer.Option("--template", help="Case-note template YAML")] = None,
    names: Annotated[Optional[str], typer.Option("--names", help='People in the recording: "Kayden Price, Leanne"')] = None,
    model: Annotated[Optional[str], typer.Option(
        "--model", help="base (default), tiny.en (faster) or a local CTranslate2 Whisper model folder")] = None,
) -> None:
    """Draft a case note (sections, visit fields, suggested CiN factors) from a recording or a transcript."""
    from pipeline.draft import draft_from_text, draft_note, resolve_template
    from pipeline.transcription.vocabulary import parse_names

    if (audio is None) == (text is None):
        raise TextFileError("give either an AUDIO file or --text FILE (not both)")
    settings = get_settings().model_copy(update={"asr_model": model} if model else {})
    chosen = resolve_template(template, settings)  # a bad template fails before any transcription
    people = parse_names(names)
    if text is not None:
        note = draft_from_text(read_transcript_text(text), settings, template=chosen, names=people)
    else:
        from pipeline.cli import progress_for
        from pipeline.transcription.transcribe import transcribe_file

        transcript = transcribe_file(audio, settings, names=people, on_progress=progress_for(audio))
        note = draft_note(transcript, settings, template=chosen, names=people)
    for warning in note.warnings:
        typer.echo(f"casenote: warning: {warning}", err=True)
    typer.echo(note.model_dump_json(indent=2) if json_output else render_note(note))


def evaluate(
    directory: Annotated[Optional[Path], typer.Argument(help="Folder of annotated notes (*.yaml)")] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the full report as JSON")] = False,
    no_misses: Annotated[bool, typer.Option("--no-misses", help="Figures only")] = False,
) -> None:
    """Score the drafting stage on annotated notes: factor P/R/F1, sections, visit fields, misses."""
    from pipeline.drafting.evaluation import evaluate as run_evaluation
    from pipeline.drafting.evaluation import format_report

    report = run_evaluation(directory or DEFAULT_DEVSET, get_settings())
    typer.echo(report.model_dump_json(indent=2) if json_output else format_report(report, misses=not no_misses))


def read_transcript_text(path: Path) -> str:
    """The text of a transcript file, or a one-line reason it cannot be one."""
    if not path.exists():
        raise TextFileError(f"{path}: file not found")
    if not path.is_file():
        raise TextFileError(f"{path}: not a file")
    data = path.read_bytes()[:MAX_TEXT_BYTES + 1]
    if len(data) > MAX_TEXT_BYTES:
        raise TextFileError(f"{path}: larger than {MAX_TEXT_BYTES // (1024 * 1024)} MB, not a transcript")
    if b"\x00" in data:
        raise TextFileError(f"{path}: a binary file, not a text transcript")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TextFileError(f"{path}: not UTF-8 text") from None
    if not text.strip():
        raise TextFileError(f"{path}: the file is empty")
    return text


def _yes_no(value: bool | None) -> str:
    return "not said" if value is None else ("yes" if value else "no")


def render_note(note: DraftNote) -> str:
    """The draft as a worker reads it: sections, visit fields, then suggestions to check."""
    lines: list[str] = []
    for section in note.sections:
        lines.append(section.title)
        lines.append(f"  {section.text}" if section.text else "  (nothing said)")
        flagged = [s for s in section.sentences if s.flags]
        for sentence in flagged:
            reasons = "; ".join(f.reason for f in sentence.flags)
            lines.append(f"  [check: \"{sentence.text[:60]}\" - {reasons}]")
        lines.append("")
    visit = note.visit
    kind = visit.contact_type or "not said"
    if visit.announced is not None:
        kind += " (announced)" if visit.announced else " (unannounced)"
    lines.append(f"Visit: {kind}; child seen: {_yes_no(visit.child_seen)}; seen alone: "
                 f"{_yes_no(visit.child_seen_alone)}; bedroom seen: {_yes_no(visit.bedroom_seen)}")
    present = ", ".join(f"{p.name} ({p.role})" if p.name else (p.role or "?") for p in visit.people_present)
    lines.append(f"Present: {present or 'not said'}")
    lines.append("")
    if note.factor_suggestions:
        lines.append("Suggested CiN factors (confirm or remove each):")
        for factor in note.factor_suggestions:
            by = f", by {factor.by.value.replace('_', ' ')}" if factor.by else ""
            lines.append(f"  {factor.code:<4} {factor.label} (confidence {factor.confidence:.2f}, "
                         f"about: {factor.subject.value.replace('_', ' ')}{by})")
            for evidence in factor.evidence:
                lines.append(f"        \"{evidence.text}\"")
    else:
        lines.append("Suggested CiN factors: none")
    return "\n".join(lines)
