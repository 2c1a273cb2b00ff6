"""Open and check an audio file, then decode it to 16 kHz mono float32 for Whisper.

Every check raises an error from ``pipeline.errors`` with a message that names the
file and says what is wrong, so the CLI and the API can show it as it is."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from faster_whisper.audio import decode_audio

from pipeline.errors import AudioCorrupt, AudioFileEmpty, AudioFileMissing, AudioTooLong, NotAudio

logger = logging.getLogger("casenote.audio")

SAMPLE_RATE = 16000
# A decoded stream this much shorter than its container says is a truncated file.
_TRUNCATION_TOLERANCE_S = 0.5


@dataclass(frozen=True)
class AudioProbe:
    format_name: str
    codec: str
    declared_duration_s: float | None


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32, mono, 16 kHz
    duration_s: float
    probe: AudioProbe


def _fmt_duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m {secs:02d}s" if hours else f"{minutes}m {secs:02d}s"


def probe_audio(path: Path) -> AudioProbe:
    """Check that ``path`` exists, is not empty and holds an audio stream."""
    if not path.exists():
        raise AudioFileMissing(f"{path}: no such file")
    if path.is_dir():
        raise AudioFileMissing(f"{path}: is a folder, not an audio file")
    if path.stat().st_size == 0:
        raise AudioFileEmpty(f"{path}: the file is empty (0 bytes)")
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            streams = container.streams.audio
            if not streams:
                raise NotAudio(f"{path}: the file has no audio stream ({container.format.name})")
            stream = streams[0]
            declared = None
            if stream.duration is not None and stream.time_base is not None:
                declared = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                declared = container.duration / av.time_base
            return AudioProbe(container.format.name, stream.codec_context.name, declared)
    except NotAudio:
        raise
    except (av.error.InvalidDataError, av.error.EOFError, UnicodeDecodeError, ValueError) as exc:
        raise NotAudio(f"{path}: not a recognised audio file ({_short(exc)})") from None
    except av.error.FFmpegError as exc:
        raise AudioCorrupt(f"{path}: the audio could not be read ({_short(exc)})") from None


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    # PyAV repeats the path in its messages; the caller already names the file.
    return text.split(": '")[0].strip()


def load_audio(path: Path, *, max_seconds: float) -> DecodedAudio:
    """Probe, check the length limit, decode, and check the decode is complete."""
    path = Path(path)
    probe = probe_audio(path)
    if probe.declared_duration_s is not None and probe.declared_duration_s > max_seconds:
        raise AudioTooLong(
            f"{path}: the recording is {_fmt_duration(probe.declared_duration_s)} long; "
            f"the limit is {_fmt_duration(max_seconds)} (CASENOTE_MAX_AUDIO_SECONDS)"
        )
    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except (av.error.FFmpegError, ValueError, IndexError) as exc:
        raise AudioCorrupt(f"{path}: the audio is damaged and could not be decoded ({_short(exc)})") from None
    duration = len(samples) / SAMPLE_RATE
    if duration == 0:
        raise AudioCorrupt(f"{path}: the file holds no decodable audio (damaged or truncated)")
    if duration > max_seconds:
        raise AudioTooLong(
            f"{path}: the recording is {_fmt_duration(duration)} long; "
            f"the limit is {_fmt_duration(max_seconds)} (CASENOTE_MAX_AUDIO_SECONDS)"
        )
    if probe.declared_duration_s and duration + _TRUNCATION_TOLERANCE_S < probe.declared_duration_s * 0.98:
        raise AudioCorrupt(
            f"{path}: the file is truncated: it should hold {_fmt_duration(probe.declared_duration_s)} "
            f"of audio but only {_fmt_duration(duration)} could be decoded"
        )
    logger.debug("decoded %s: %s/%s, %.1f s", path.name, probe.format_name, probe.codec, duration)
    return DecodedAudio(samples=samples, duration_s=duration, probe=probe)
