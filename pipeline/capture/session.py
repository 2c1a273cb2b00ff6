"""One dictation from start to stop: choose the device, open the crash-safe file,
record with the terminal's keys and signals, and leave a finished recording."""

from __future__ import annotations

import logging
from pathlib import Path

from models.errors import CaptureError, DiskFull
from models.settings import Settings
from pipeline.capture import store
from pipeline.capture.console import KEY_HELP, KeyReader, StatusLine, StopSignals, format_elapsed
from pipeline.capture.devices import choose_input_device, load_portaudio
from pipeline.capture.recorder import CaptureOptions, record, stream_format
from pipeline.capture.store import Destination, Recording, RecordingStatus
from pipeline.capture.wavfile import WavStreamWriter

logger = logging.getLogger(__name__)


def dictate_once(
    settings: Settings,
    *,
    case_reference: str,
    names: list[str],
    device_index: int | None,
    out: Path | None,
    destination: Destination,
    status_line: StatusLine,
) -> Recording:
    """Record one dictation; returns it finished (also after a full disk: what fitted is kept)."""
    sd = load_portaudio()
    device = choose_input_device(device_index)
    samplerate, channels = stream_format(sd, device)
    recording_id = store.new_recording_id()
    audio_path = _audio_path(settings, recording_id, out)
    recording = Recording(
        id=recording_id, case_reference=case_reference, names=names, audio_path=audio_path,
        samplerate=samplerate, channels=channels, device=device.name, destination=destination,
        started_at=store.now())
    writer = WavStreamWriter(audio_path, samplerate, channels)
    store.hold_lock(writer.fd)  # held until this process ends: recovery leaves a live recording alone
    store.save(settings, recording)
    options = CaptureOptions(silence_warn_s=settings.capture_silence_warn_s,
                             silence_dbfs=settings.capture_silence_dbfs)
    failure: CaptureError | None = None
    with KeyReader() as keys, StopSignals() as stop_signals:
        def started() -> None:
            status_line.say(f"recording case {case_reference} from input {device.index} ({device.name}) "
                            f"to {audio_path}")
            status_line.say(KEY_HELP if keys.interactive else "stop with Ctrl-C or SIGTERM")

        try:
            result = record(device, writer, options, keys.poll, status_line, stop_signals, started)
            reason = result.stop_reason
        except CaptureError as exc:
            failure, reason = exc, ("disk_full" if isinstance(exc, DiskFull) else "device_failed")
        finally:
            status_line.end()
            closed = _close(writer)
    if not closed:
        # Header not finalised: leave it marked as recording so the next run repairs it.
        if failure is not None:
            raise failure
        raise CaptureError(f"{audio_path}: the recording could not be finalised; "
                           "the next `casenote dictate` run recovers it")
    recording = recording.model_copy(update=dict(
        status=RecordingStatus.finished, stopped_at=store.now(), duration_s=writer.duration_s,
        stop_reason=reason))
    try:
        store.save(settings, recording)
    except OSError as exc:
        # A full disk may refuse even the small state file; the next run's recovery finishes it.
        logger.warning("could not record that %s finished (%s); the next run recovers it", recording.id, exc)
    if failure is not None:
        raise failure
    status_line.say(f"stopped: {format_elapsed(recording.duration_s)} recorded in {audio_path}")
    return recording


def _close(writer: WavStreamWriter) -> bool:
    try:
        writer.close()
        return True
    except OSError as exc:
        logger.warning("finalising %s failed: %s", writer.path.name, exc)
        return False


def _audio_path(settings: Settings, recording_id: str, out: Path | None) -> Path:
    if out is None:
        return store.recordings_dir(settings) / f"{recording_id}.wav"
    out = out.expanduser().resolve()
    if out.suffix.lower() != ".wav":
        raise CaptureError(f"{out}: recordings are written as WAV; give --out a name ending in .wav")
    if not out.parent.is_dir():
        raise CaptureError(f"{out.parent}: no such folder")
    return out
