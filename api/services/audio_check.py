"""Is an upload really audio, complete, and within limits? Judged by its content
(magic bytes, the container's bookkeeping, then the demuxer), never by its name.
The byte-level checks are the transcription stage's own (``pipeline.audio*``)."""

from __future__ import annotations

import logging
from pathlib import Path

import av
from pydantic import BaseModel

from pipeline.audio import SUPPORTED_FORMATS, probe_audio
from pipeline.audio_containers import looks_like_text, sniff_container, truncation_reason
from pipeline.errors import AudioCorrupt, AudioTooLong, CasenoteError

logger = logging.getLogger("casenote.audio_check")

MIN_SNIFF = 12  # bytes needed to recognise every supported container

_MEDIA_TYPES = {
    "wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg", "ogg": "audio/ogg",
    "matroska,webm": "audio/webm", "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4", "aac": "audio/aac",
}


def looks_like_audio(head: bytes) -> bool:
    """A first look at the first bytes (to refuse a wrong file before storing all of it)."""
    return sniff_container(head) is not None


def not_audio_reason(filename: str, head: bytes) -> str:
    what = "it holds text" if looks_like_text(head) else "its format is not one casenote recognises"
    return f"{filename}: not an audio file ({what}); casenote reads {SUPPORTED_FORMATS}"


class AudioInfo(BaseModel):
    format_name: str
    codec: str
    media_type: str
    duration_s: float


def check_audio_file(path: Path, display_name: str, max_seconds: float) -> AudioInfo:
    """Raises a ``CasenoteError`` naming ``display_name`` (not the in-memory path)."""
    try:
        probe = probe_audio(path)
        reason = truncation_reason(path, probe.container)
        if reason:
            raise AudioCorrupt(f"{path}: the {probe.container} file is truncated: {reason}")
        duration = _demuxed_seconds(path)
    except CasenoteError as exc:
        raise type(exc)(str(exc).replace(str(path), display_name)) from None
    if duration <= 0:
        raise AudioCorrupt(f"{display_name}: the file holds no audio (damaged or truncated)")
    declared = probe.declared_duration_s
    # A header promising more than the file holds is a cut-off upload (FLAC and MP4 state their length).
    if declared and duration + 0.5 < declared * 0.98:
        raise AudioCorrupt(f"{display_name}: the file is truncated: it should hold {declared:.1f} s "
                           f"of audio but only {duration:.1f} s is there")
    if duration > max_seconds:
        raise AudioTooLong(f"{display_name}: the recording is {duration / 60:.0f} min long; "
                           f"the limit is {max_seconds / 60:.0f} min (CASENOTE_MAX_AUDIO_SECONDS)")
    return AudioInfo(format_name=probe.format_name, codec=probe.codec,
                     media_type=_MEDIA_TYPES.get(probe.format_name, "application/octet-stream"),
                     duration_s=round(duration, 3))


def _demuxed_seconds(path: Path) -> float:
    """Length from the packets actually present (demuxing only, no decoding: fast)."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            stream = container.streams.audio[0]
            total = 0.0
            for packet in container.demux(stream):
                if packet.duration is not None and packet.time_base is not None:
                    total += float(packet.duration * packet.time_base)
            return total
    except av.error.FFmpegError:
        raise AudioCorrupt(f"{path}: the audio could not be read to the end (damaged or truncated)") from None
