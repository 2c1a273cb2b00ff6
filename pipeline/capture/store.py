"""What casenote knows about each recording on this machine: one small JSON file per
recording in the recordings folder, replaced atomically at every change of state.

The audio itself may live elsewhere (``--out``); the JSON points to it, so recovery
and the outbox find every recording from this one folder. It holds the case
reference and file names, never transcript or note text."""

from __future__ import annotations

import fcntl
import logging
import os
import uuid
from datetime import datetime, timezone
from enum import Enum
from pathlib import Path

from pydantic import BaseModel

from models.durable_files import write_durably
from models.errors import CaptureError
from models.settings import Settings

logger = logging.getLogger(__name__)


class RecordingStatus(str, Enum):
    recording = "recording"  # the recorder is (or was, if it died) writing the audio
    finished = "finished"  # complete WAV on disk, nothing done with it yet
    uploading = "uploading"  # sent at least once; the server may or may not have it
    uploaded = "uploaded"  # the server acknowledged it (job_id); the local audio is deleted
    processed = "processed"  # transcribed (and drafted) on this machine


class Destination(str, Enum):
    local = "local"
    server = "server"


class Recording(BaseModel):
    id: str
    case_reference: str
    names: list[str] = []
    audio_path: Path
    samplerate: int
    channels: int = 1
    device: str = ""
    destination: Destination = Destination.local
    status: RecordingStatus = RecordingStatus.recording
    started_at: datetime
    stopped_at: datetime | None = None
    duration_s: float = 0.0
    stop_reason: str = ""
    recovered: bool = False
    upload_attempts: int = 0
    job_id: str | None = None
    uploaded_at: datetime | None = None
    transcript_path: Path | None = None
    draft_path: Path | None = None

    @property
    def idempotency_key(self) -> str:
        """Sent with every upload attempt so the server can tell a retry from a new recording."""
        return f"casenote-recording-{self.id}"


def now() -> datetime:
    return datetime.now(timezone.utc)


def new_recording_id() -> str:
    return now().strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:8]


def recordings_dir(settings: Settings) -> Path:
    folder = settings.recordings_dir
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise CaptureError(f"{folder}: cannot create the recordings folder ({exc.strerror or exc}); "
                           "set CASENOTE_CAPTURE_DIR to a folder you can write") from None
    return folder


MANIFEST_SUFFIX = ".recording.json"


def manifest_path(settings: Settings, recording_id: str) -> Path:
    return recordings_dir(settings) / f"{recording_id}{MANIFEST_SUFFIX}"


def save(settings: Settings, recording: Recording) -> None:
    """A crash leaves the old state or the new one, never half of it."""
    write_durably(manifest_path(settings, recording.id), recording.model_dump_json(indent=2).encode(), mode=0o600)


def load_all(settings: Settings) -> list[Recording]:
    found = []
    for path in sorted(recordings_dir(settings).glob(f"*{MANIFEST_SUFFIX}")):
        try:
            found.append(Recording.model_validate_json(path.read_bytes()))
        except ValueError:
            logger.warning("skipping unreadable recording state file %s", path.name)
    return found


def forget(settings: Settings, recording: Recording) -> None:
    manifest_path(settings, recording.id).unlink(missing_ok=True)


def is_being_written(audio_path: Path) -> bool:
    """True while a live recorder holds the audio file's lock (the kernel drops it when the
    recorder dies, however it dies, so a stale lock cannot hide an interrupted recording)."""
    try:
        fd = os.open(audio_path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def hold_lock(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


class FolderLock:
    """An exclusive lock on the recordings folder, so two ``--sync`` runs never both upload."""

    def __init__(self, settings: Settings) -> None:
        self.path = recordings_dir(settings) / ".outbox.lock"
        self.fd = -1

    def __enter__(self) -> "FolderLock":
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.fd, fcntl.LOCK_UN)
        os.close(self.fd)
