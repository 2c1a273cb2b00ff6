"""``casenote transcribe``: a thin shell over ``pipeline.transcription.transcribe``
(registered, with every other command, in ``casenote.cli``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from models.settings import get_settings
from pipeline.progress import progress_for


def transcribe(
    audio: Annotated[Path, typer.Argument(help="wav, flac, mp3, m4a/aac, ogg/opus or webm")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the full JSON model")] = False,
    model: Annotated[Optional[str], typer.Option(
        "--model", help="base (default), tiny.en (faster) or a local CTranslate2 Whisper model folder")] = None,
    names: Annotated[Optional[str], typer.Option("--names", help='People in the recording: "Kayden Price, Leanne"')] = None,
    no_commands: Annotated[bool, typer.Option("--no-commands", help="Keep 'full stop', 'new line'... as words")] = False,
) -> None:
    """Transcribe a recording on this machine."""
    from pipeline.transcription.transcribe import transcribe_file
    from pipeline.transcription.vocabulary import parse_names

    settings = get_settings().model_copy(update=_overrides(model, no_commands))
    transcript = transcribe_file(audio, settings, names=parse_names(names), on_progress=progress_for(audio))
    typer.echo(transcript.model_dump_json(indent=2) if json_output else transcript.text)


def _overrides(model: str | None, no_commands: bool) -> dict:
    update: dict = {}
    if model:
        update["asr_model"] = model
    if no_commands:
        update["dictation_commands"] = False
    return update
