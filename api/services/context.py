"""What one running service holds: settings, database, audio store, keys, and the
background threads ``casenote.service.start_background`` started (none until then)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from api.db.engine import make_engine, make_read_session_factory, make_session_factory
from api.services.audio_store import AudioStore, make_audio_store
from api.services.keys import audio_key, require_given_keys, secret_key
from models.settings import Settings


class BackgroundThread(Protocol):
    """A worker the service runs beside its requests (jobs, retention, deliveries); the
    ones that wait for queued work also have ``wake()``."""

    def stop(self) -> None: ...


@dataclass
class ServiceContext:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    read_session_factory: sessionmaker[Session]
    audio: AudioStore
    secret: bytes
    upload_checks: threading.Semaphore  # slots for decoding uploads (max_concurrent_upload_checks)
    background: list[BackgroundThread] = field(default_factory=list)

    def wake_background(self) -> None:
        """Something was queued and committed (a job, a delivery): the workers look now
        instead of at their next poll."""
        for thread in self.background:
            wake = getattr(thread, "wake", None)
            if wake:
                wake()


def build_context(settings: Settings) -> ServiceContext:
    require_given_keys(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    engine = make_engine(settings)
    return ServiceContext(settings=settings, engine=engine, session_factory=make_session_factory(engine),
                          read_session_factory=make_read_session_factory(engine),
                          audio=make_audio_store(settings, engine, audio_key(settings)),
                          secret=secret_key(settings),
                          upload_checks=threading.BoundedSemaphore(settings.max_concurrent_upload_checks))
