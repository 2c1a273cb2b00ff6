"""Offline path: a finished recording -> transcript and drafted note on this machine,
written beside the audio as JSON for the worker to open in review."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from pydantic import BaseModel

from models.settings import Settings
from pipeline.capture import store
from pipeline.capture.store import Recording, RecordingStatus

logger = logging.getLogger(__name__)


class LocalResult(BaseModel):
    transcript_path: Path
    draft_path: Path | None  # None where the drafting stage is not installed


def _draft_stage():
    """``pipeline.draft.draft_note`` when the drafting stage is part of this install."""
    try:
        return importlib.import_module("pipeline.draft").draft_note
    except ModuleNotFoundError as exc:
        if exc.name != "pipeline.draft":
            raise
        return None


def process_locally(settings: Settings, recording: Recording, on_progress=None) -> LocalResult:
    from pipeline.transcription.transcribe import transcribe_file

    transcript = transcribe_file(recording.audio_path, settings, names=recording.names, on_progress=on_progress)
    transcript_path = _beside(recording.audio_path, ".transcript.json")
    _write_private(transcript_path, transcript.model_dump_json(indent=2))
    draft_path = None
    draft_note = _draft_stage()
    if draft_note is not None:
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
    """Owner-only: these files hold what was said about a child."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
