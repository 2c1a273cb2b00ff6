"""The ``casenote`` command. Each command is a thin shell over a stage function;
bad input ends with one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from pydantic import ValidationError

from models.settings import get_settings
from pipeline.errors import CasenoteError

app = typer.Typer(
    name="casenote",
    help="Dictated social-care visit notes: transcribe locally, draft, review, confirm.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

EXIT_BAD_INPUT = 2


@app.callback()
def _root() -> None:
    """Dictated social-care visit notes: transcribe locally, draft, review, confirm."""


def fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    typer.echo(f"casenote: error: {message}", err=True)
    raise typer.Exit(code)


def one_line_errors(command):
    """Turn casenote's input errors into one line and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except CasenoteError as exc:
            fail(str(exc))
        except ValidationError as exc:
            if exc.title != "Settings":  # a bug, not the user's configuration
                raise
            fail(settings_error(exc))
        except KeyboardInterrupt:
            fail("interrupted", 130)

    return wrapper


def settings_error(exc: ValidationError) -> str:
    """'CASENOTE_MAX_AUDIO_SECONDS: not a number ('abc')' from pydantic's report."""
    error = exc.errors()[0]
    name = "CASENOTE_" + "_".join(str(part) for part in error["loc"]).upper()
    return f"setting {name} is invalid: {error['msg']} (got {error.get('input')!r})"


class StderrProgress:
    """A one-line progress bar on stderr, for recordings long enough to wait for."""

    def __init__(self, label: str, width: int = 30) -> None:
        self.label, self.width, self.last = label, width, -1

    def __call__(self, fraction: float) -> None:
        percent = int(fraction * 100)
        if percent == self.last:
            return
        self.last = percent
        filled = int(self.width * fraction)
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}%")
        if fraction >= 1.0:
            sys.stderr.write("\n")
        sys.stderr.flush()


PROGRESS_MIN_SECONDS = 30.0


def progress_for(audio: Path):
    """A progress bar only for files over ~30 s (short ones finish before it helps)."""
    from pipeline.transcription.audio import probe_audio

    declared = probe_audio(audio).declared_duration_s
    long_enough = declared is not None and declared > PROGRESS_MIN_SECONDS
    if long_enough and (sys.stderr.isatty() or _force_progress()):
        return StderrProgress(f"transcribing {audio.name}")
    return None


def _force_progress() -> bool:
    import os

    return os.environ.get("CASENOTE_PROGRESS") == "1"


ModelOption = Annotated[Optional[str], typer.Option(
    "--model", help="base (default), tiny.en (faster) or a local CTranslate2 Whisper model folder")]
NamesOption = Annotated[Optional[str], typer.Option("--names", help='People in the recording: "Kayden Price, Leanne"')]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the full JSON model")]


@app.command()
@one_line_errors
def transcribe(
    audio: Annotated[Path, typer.Argument(help="wav, flac, mp3, m4a/aac, ogg/opus or webm")],
    json_output: JsonOption = False,
    model: ModelOption = None,
    names: NamesOption = None,
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


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    _register_commands()
    app()


def _register_commands() -> None:
    """Commands of later stages live beside their code; each module adds its own."""
    import importlib

    for module in COMMAND_MODULES:
        importlib.import_module(module).register(app)


# Modules with a ``register(app)`` function that adds their commands.
COMMAND_MODULES: list[str] = ["pipeline.capture.cli", "api.cli", "api.exports.cli", "pipeline.draft_cli"]
