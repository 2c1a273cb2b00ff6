"""``casenote draft`` and ``casenote evaluate``: thin shells over ``pipeline.draft`` and
``pipeline.drafting.evaluation`` (registered, with every other command, in ``casenote.cli``,
which turns bad input into one line on stderr and exit code 2)."""

from __future__ import annotations

import calendar
from pathlib import Path
from typing import Annotated, Optional

import typer

from models.draft import DraftNote, VisitWhen
from models.settings import get_settings
from models.errors import TextFileError

# The annotated notes of a checkout, relative to the working folder (the repository's root).
DEFAULT_DEVSET = Path("tests") / "devset" / "dev"
MAX_TEXT_BYTES = 5 * 1024 * 1024  # a dictated note is a few kilobytes; more is not a transcript


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
        from pipeline.progress import progress_for
        from pipeline.transcription.transcribe import transcribe_file

        transcript = transcribe_file(audio, settings, names=people, on_progress=progress_for(audio))
        note = draft_note(transcript, settings, template=chosen, names=people)
    for warning in note.warnings:
        typer.echo(f"casenote: warning: {warning}", err=True)
    typer.echo(note.model_dump_json(indent=2) if json_output else render_note(note))


def evaluate(
    directory: Annotated[Path, typer.Argument(help="Folder of annotated notes (*.yaml)")] = DEFAULT_DEVSET,
    json_output: Annotated[bool, typer.Option("--json", help="Print the full report as JSON")] = False,
    no_misses: Annotated[bool, typer.Option("--no-misses", help="Figures only")] = False,
) -> None:
    """Score the drafting stage on annotated notes: factor P/R/F1, sections, visit fields, misses."""
    from pipeline.drafting.evaluation import evaluate as run_evaluation
    from pipeline.drafting.evaluation import format_report

    report = run_evaluation(directory, get_settings())
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
    """The draft as a worker reads it: sections, the visit, each child of the visit with
    their fields and factors, then the suggestions to check."""
    lines: list[str] = []
    for section in note.sections:
        lines.append(section.title)
        lines.append(f"  {section.text}" if section.text else "  (nothing said)")
        flagged = [s for s in section.sentences if s.flags]
        for sentence in flagged:
            reasons = "; ".join(f.reason for f in sentence.flags)
            lines.append(f"  [check: \"{sentence.text[:60]}\" - {reasons}]")
        lines.append("")
    lines += _visit_lines(note)
    lines.append("")
    if note.factor_suggestions:
        lines.append("Suggested CiN factors (confirm or remove each):")
        for factor in note.factor_suggestions:
            by = f", by {factor.by.value.replace('_', ' ')}" if factor.by else ""
            lines.append(f"  {factor.code:<4} {factor.label} (confidence {factor.confidence:.2f}, "
                         f"about: {factor.subject.value.replace('_', ' ')}{by})")
            if factor.children:
                lines.append(f"        for: {', '.join(factor.children)}")
            for evidence in factor.evidence:
                lines.append(f"        \"{evidence.text}\"")
    else:
        lines.append("Suggested CiN factors: none")
    return "\n".join(lines)


def _visit_lines(note: DraftNote) -> list[str]:
    visit = note.visit
    kind = visit.contact_type or "not said"
    if visit.announced is not None:
        kind += " (announced)" if visit.announced else " (unannounced)"
    several = len(visit.children) > 1

    def shared(name: str) -> str:
        value = getattr(visit, name)
        if value is None and several and any(getattr(c, name) is not None for c in visit.children):
            return "differs by child"
        return _yes_no(value)

    lines = [f"Visit: {kind}; child seen: {shared('child_seen')}; seen alone: {shared('child_seen_alone')}; "
             f"bedroom seen: {shared('bedroom_seen')}"]
    lines.append(f"When: {_when_text(visit.when)}")
    present = ", ".join(f"{p.name} ({p.role})" if p.name else (p.role or "?") for p in visit.people_present)
    lines.append(f"Present: {present or 'not said'}")
    if visit.children:
        lines.append("Children of the visit (each child's record):")
        factors = {c.name: sorted((s.code for s in note.factor_suggestions if c.name in s.children),
                                  key=lambda code: (int(code.rstrip("ABCDEF")), code)) for c in visit.children}
        for child in visit.children:
            name = child.name if child.named else f"{child.name} (not named)"
            age = "" if child.age is None else (", under 1" if child.age == 0 else f", {child.age}")
            lines.append(f"  {name}{age}: seen {_yes_no(child.child_seen)}; seen alone "
                         f"{_yes_no(child.child_seen_alone)}; bedroom seen {_yes_no(child.bedroom_seen)}; "
                         f"factors: {', '.join(factors[child.name]) or 'none suggested'}")
    return lines


def _when_text(when: VisitWhen | None) -> str:
    if when is None:
        return "not said (the recording's time)"
    parts = [when.weekday.capitalize()] if when.weekday else []
    if when.day and when.month:
        parts.append(f"{when.day} {calendar.month_name[when.month]}" + (f" {when.year}" if when.year else ""))
    if when.days_before:
        parts.append("yesterday" if when.days_before == 1 else f"{when.days_before} days before the recording")
    if when.time:
        parts.append(when.time.strftime("%H:%M"))
    if when.date:
        parts.append(f"({when.date.isoformat()})")
    return " ".join(parts) + f' - said: "{when.said}"'
