"""``casenote devices`` and ``casenote dictate`` (registered, with every other command,
in ``casenote.cli``)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from models.errors import CaptureError
from models.settings import Settings, get_settings
from pipeline.capture.console import StatusLine, format_elapsed
from pipeline.capture.store import Destination, Recording

logger = logging.getLogger(__name__)

CASE_REFERENCE_MAX = 64  # the review service's column width


def devices() -> None:
    """List the microphones (input devices) that `casenote dictate --device N` can record from."""
    from pipeline.capture.devices import list_input_devices
    from models.errors import NoInputDevice

    found = list_input_devices()
    if not found:
        raise NoInputDevice("no input device found: connect or unmute a microphone, then try again")
    typer.echo(f"  {'#':>3}  {'name':<32} {'host API':<10} {'channels':>8} {'rate':>7}")
    for device in found:
        mark = "*" if device.is_default else " "
        typer.echo(f"{mark} {device.index:>3}  {device.name[:32]:<32} {device.host_api:<10} "
                   f"{device.max_input_channels:>8} {device.default_samplerate:>7.0f}")
    typer.echo("* = default input")


def dictate(
    case: Annotated[Optional[str], typer.Option("--case", help="Case reference the note belongs to")] = None,
    device: Annotated[Optional[int], typer.Option("--device", help="Input number from `casenote devices`")] = None,
    names: Annotated[Optional[str], typer.Option("--names", help='People named: "Kayden Price, Leanne"')] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write the recording to this .wav file")] = None,
    server: Annotated[Optional[str], typer.Option("--server", help="Review service URL (else CASENOTE_SERVER_URL)")] = None,
    token: Annotated[Optional[str], typer.Option("--token", help="API token (else CASENOTE_SERVER_TOKEN)")] = None,
    sync: Annotated[bool, typer.Option("--sync", help="Upload the recordings waiting in the outbox, then exit")] = False,
    recover: Annotated[bool, typer.Option("--recover", help="Transcribe or upload recovered recordings, then exit")] = False,
) -> None:
    """Record a dictation from the microphone, then draft the note here or upload it."""
    from pipeline.capture.recovery import recover_all
    from pipeline.transcription.vocabulary import parse_names

    settings = get_settings()
    target = _server_target(settings, server, token)
    status_line = StatusLine()
    recovered = recover_all(settings)
    for rec in recovered:
        status_line.say(f"recovered an interrupted recording: case {rec.case_reference}, "
                        f"{format_elapsed(rec.duration_s)}, started {rec.started_at:%Y-%m-%d %H:%M} UTC, "
                        f"in {rec.audio_path}")
    if sync:
        if target is None:
            raise CaptureError("--sync needs the review service: give --server URL and --token "
                               "(or set CASENOTE_SERVER_URL and CASENOTE_SERVER_TOKEN)")
        raise typer.Exit(_sync(settings, target))
    if recover:
        raise typer.Exit(_process_waiting(settings, target, status_line))
    case_reference = _case_reference(case)
    if target is None:
        _mention_outbox(settings)
    if recovered and _offer_processing(recovered, target):
        _process_waiting(settings, target, status_line)

    from pipeline.capture.session import dictate_once

    recording = dictate_once(
        settings, case_reference=case_reference, names=parse_names(names), device_index=device, out=out,
        destination=Destination.server if target else Destination.local, status_line=status_line)
    if recording.duration_s == 0:
        _discard_empty(settings, recording)
        raise CaptureError("nothing was recorded: it was stopped before any sound arrived")
    if target is not None:
        raise typer.Exit(_sync(settings, target))
    _report_local(_run_locally(settings, recording))
    waiting = _waiting_locally(settings)
    if waiting:
        typer.echo(f"{len(waiting)} earlier recording(s) wait to be transcribed: casenote dictate --recover",
                   err=True)


def _discard_empty(settings: Settings, recording: Recording) -> None:
    """A header with no audio holds nothing worth keeping, and the server would refuse it."""
    from pipeline.capture import store

    recording.audio_path.unlink(missing_ok=True)
    store.forget(settings, recording)


def _server_target(settings: Settings, server: str | None, token: str | None):
    from pipeline.capture.outbox import ServerTarget

    url = server or settings.server_url
    if not url:
        return None
    if not url.startswith(("http://", "https://")):
        raise CaptureError(f"--server {url}: give the service's URL, like http://HOST:8000")
    secret = token or settings.server_token
    if not secret:
        raise CaptureError("uploading needs an API token: give --token (from `casenote users add NAME --token`) "
                           "or set CASENOTE_SERVER_TOKEN")
    return ServerTarget(url=url, token=secret)


def _case_reference(case: str | None) -> str:
    reference = (case or "").strip()
    if not reference:
        raise CaptureError("give the case reference: casenote dictate --case REF")
    if len(reference) > CASE_REFERENCE_MAX or not reference.isprintable():
        raise CaptureError(f"--case: a case reference is at most {CASE_REFERENCE_MAX} printable characters")
    return reference


def _offer_processing(recovered: list[Recording], target) -> bool:
    """On a terminal, ask before spending minutes on old recordings; otherwise say how."""
    local = [rec for rec in recovered if rec.destination is Destination.local]
    if not local:
        return False  # recordings for the server go out with this run's upload
    if sys.stdin.isatty():
        return typer.confirm(f"transcribe the {len(local)} recovered recording(s) now?", default=True)
    typer.echo("run `casenote dictate --recover` to transcribe the recovered recording(s)", err=True)
    return False


def _mention_outbox(settings: Settings) -> None:
    from pipeline.capture.outbox import waiting_for_upload

    waiting = waiting_for_upload(settings)
    if waiting:
        typer.echo(f"{len(waiting)} recording(s) wait in the outbox for the review service: "
                   "casenote dictate --sync --server URL --token TOKEN", err=True)


def _sync(settings: Settings, target) -> int:
    """Upload all that waits. Exit code 0: nothing left waiting; 1: the server cannot be
    reached, so some wait; 2 (raised): the server refused one (bad token or bad recording)."""
    from pipeline.capture.outbox import sync_outbox

    typer.echo(f"sending to {target.url} ...", err=True)
    report = sync_outbox(settings, target)
    for rec in report.uploaded:
        typer.echo(f"uploaded case {rec.case_reference} ({format_elapsed(rec.duration_s)}): job {rec.job_id}")
    if report.waiting:
        typer.echo(f"the server cannot be reached ({report.unreachable_reason}): {len(report.waiting)} "
                   f"recording(s) wait in the outbox ({settings.recordings_dir}); "
                   "`casenote dictate --sync` sends them", err=True)
    for message in report.refused[:-1]:
        typer.echo(f"casenote: {message}", err=True)
    if report.refused:
        raise CaptureError(report.refused[-1])
    if report.waiting:
        return 1
    if not report.uploaded:
        typer.echo("the outbox is empty", err=True)
    return 0


def _waiting_locally(settings: Settings) -> list[Recording]:
    from pipeline.capture.recovery import awaiting_local_processing

    return awaiting_local_processing(settings)


def _process_waiting(settings: Settings, target, status_line: StatusLine) -> int:
    code = _sync(settings, target) if target is not None else 0
    for rec in _waiting_locally(settings):
        status_line.say(f"case {rec.case_reference} ({format_elapsed(rec.duration_s)}), {rec.audio_path}:")
        _report_local(_run_locally(settings, rec))
    return code


def _run_locally(settings: Settings, recording: Recording):
    from pipeline.capture.local import process_locally
    from pipeline.progress import progress_for
    from models.errors import CasenoteError

    typer.echo("transcribing and drafting on this machine...", err=True)
    try:
        return process_locally(settings, recording, on_progress=progress_for(recording.audio_path))
    except CasenoteError as exc:
        raise CaptureError(f"{exc} (the recording is kept in {recording.audio_path})") from None


def _report_local(result) -> None:
    typer.echo(f"transcript: {result.transcript_path}")
    typer.echo(f"draft: {result.draft_path}")
