"""Recordings whose recorder died (killed, crashed, power cut) are found on the next run
and finalised: the WAV header is made to match the audio on disk, and the recording
goes on to where it was meant to go (the outbox, or local transcription)."""

from __future__ import annotations

import logging

from models.settings import Settings
from pipeline.capture import store
from pipeline.capture.store import Recording, RecordingStatus
from pipeline.capture.wavfile import repair_wav

logger = logging.getLogger(__name__)


def find_interrupted(settings: Settings) -> list[Recording]:
    """Recordings still marked as being recorded whose recorder no longer holds the file."""
    return [rec for rec in store.load_all(settings)
            if rec.status is RecordingStatus.recording and not store.is_being_written(rec.audio_path)]


def recover(settings: Settings, recording: Recording) -> Recording | None:
    """Finalise one interrupted recording; None when its audio file is gone (nothing to keep)."""
    if not recording.audio_path.exists():
        logger.warning("recording %s: its audio file is gone; forgetting it", recording.id)
        store.forget(settings, recording)
        return None
    duration = repair_wav(recording.audio_path, recording.samplerate, recording.channels)
    recording = recording.model_copy(update=dict(
        status=RecordingStatus.finished, duration_s=duration, recovered=True,
        stopped_at=recording.stopped_at or store.now(), stop_reason="interrupted"))
    store.save(settings, recording)
    logger.info("recovered recording %s (%.1f s)", recording.id, duration)
    return recording


def recover_all(settings: Settings) -> list[Recording]:
    recovered = (recover(settings, rec) for rec in find_interrupted(settings))
    return [rec for rec in recovered if rec is not None]


def awaiting_local_processing(settings: Settings) -> list[Recording]:
    """Finished recordings meant for this machine's pipeline that it has not run on yet."""
    return [rec for rec in store.load_all(settings)
            if rec.destination is store.Destination.local and rec.status is RecordingStatus.finished]
