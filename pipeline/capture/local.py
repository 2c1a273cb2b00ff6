"""Offline path: a finished recording -> transcript and drafted note on this machine,
written beside the audio as JSON for the worker to open in review."""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import BaseModel

from models.durable_files import write_durably
from models.settings import Settings
from pipeline.capture import store
from pipeline.capture.store import Recording, RecordingStatus

logger = logging.getLogger(__name__)


class LocalResult(BaseModel):
    transcript_path: Path
    draft_path: Path


def process_locally(settings: Settings, recording: Recording, on_progress=None) -> LocalResult:
    from pipeline.draft import draft_note  # spaCy loads only when a recording is processed here
    from pipeline.transcription.transcribe import transcribe_file

    transcript = transcribe_file(recording.audio_path, settings, names=recording.names, on_progress=on_progress)
    transcript_path = _beside(recording.audio_path, ".transcript.json")
    _write_private(transcript_path, transcript.model_dump_json(indent=2))
    draft = draft_note(transcript, settings)
    draft_path = _beside(recording.audio_path, ".draft.json")
    _write_private(draft_path, draft.model_dump_json(indent=2))
    store.save(settings, recording.model_copy(update=dict(
        status=RecordingStatus.processed, transcript_path=transcript_path, draft_path=draft_path)))
    logger.info("recording %s processed locally", recording.id)
    return LocalResult(transcript_path=transcript_path, draft_path=draft_path)


def _beside(audio: Path, suffix: str) -> Path:
    return audio.with_name(audio.stem + suffix)


def _write_private(path: Path, text: str) -> None:
    """Owner-only, and on disk before the recording counts as processed: these files hold
    what was said about a child."""
    write_durably(path, text.encode("utf-8"), mode=0o600)
