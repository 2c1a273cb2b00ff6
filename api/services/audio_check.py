"""Is an upload really audio, complete, and within limits? Judged by its content, never
by its name, and exactly as ``casenote transcribe`` judges a file: the same functions
(``pipeline.transcription.audio.check_audio``: the container's bookkeeping, then a full decode)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

from models.errors import ServerBusy, SilentAudio
from pipeline.transcription.audio import Opener, check_audio, not_audio_message
from pipeline.transcription.audio_containers import sniff_container

logger = logging.getLogger(__name__)

MIN_SNIFF = 12  # bytes needed to recognise every supported container
# Below this the whole recording is digital silence (a muted or unplugged microphone):
# even a quiet voice far from a phone peaks near -30 dBFS. Refused at upload, so the
# worker learns at once rather than from a failed job; quiet noise without speech
# still reaches the recogniser, whose VAD fails the job as "no speech".
SILENT_BELOW_DBFS = -60.0

_MEDIA_TYPES = {
    "wav": "audio/wav", "flac": "audio/flac", "mp3": "audio/mpeg", "ogg": "audio/ogg",
    "matroska,webm": "audio/webm", "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4", "aac": "audio/aac",
}


def looks_like_audio(head: bytes) -> bool:
    """A first look at the first bytes (to refuse a wrong file before storing all of it)."""
    return sniff_container(head) is not None


def not_audio_reason(filename: str, head: bytes) -> str:
    return not_audio_message(filename, head, has_pictures=False)


class AudioInfo(BaseModel):
    format_name: str
    codec: str
    media_type: str
    duration_s: float


@contextmanager
def check_slot(slots: threading.Semaphore, wait_s: float) -> Iterator[None]:
    """One of the ``max_concurrent_upload_checks`` slots (a decode takes a core and some
    memory), waited for at most ``wait_s``; then 503 server-busy with Retry-After."""
    if not slots.acquire(timeout=wait_s):
        raise ServerBusy("every slot for checking uploads stayed busy; the upload was not stored. "
                         "Send it again in a minute (CASENOTE_MAX_CONCURRENT_UPLOAD_CHECKS)", retry_after_s=60)
    try:
        yield
    finally:
        slots.release()


def check_audio_file(display_name: str, opener: Opener, max_seconds: float) -> AudioInfo:
    """Raises a ``CasenoteError`` naming ``display_name``.

    It decodes the whole file inside the upload request (without resampling or keeping
    the samples), because only a decode finds a cut-off last block, or damage in the
    middle, of FLAC, MP4 and WebM files, which have no bookkeeping to check byte by byte.
    The stored (encrypted) file is read through ``opener`` a chunk at a time, so neither
    the file nor its samples are held whole. Measured on the shared 2-core machine: 30
    minutes of Opus 2.9 s (MP3 0.9 s, AAC 0.6 s, WAV 0.2 s), 3 hours of Opus (the default
    limit) 18 s; memory stays ~35 MB at any length."""
    checked = check_audio(Path(display_name), max_seconds=max_seconds, opener=opener)
    if checked.peak_dbfs < SILENT_BELOW_DBFS:
        loudest = "no sound at all" if checked.peak_dbfs == float("-inf") else f"loudest {checked.peak_dbfs:.0f} dBFS"
        raise SilentAudio(f"{display_name}: the recording is silent ({loudest}): "
                          "was the microphone muted? Nothing was stored")
    probe = checked.probe
    return AudioInfo(format_name=probe.format_name, codec=probe.codec,
                     media_type=_MEDIA_TYPES.get(probe.format_name, "application/octet-stream"),
                     duration_s=round(checked.duration_s, 3))
