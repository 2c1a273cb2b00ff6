"""Where sealed (encrypted) audio chunks are kept: files under ``data_dir/audio`` (one
machine, SQLite), or rows of the database (PostgreSQL: every process on every machine
reaches them, and each process may have its own data folder). Both keep exactly the
same sealed chunks; ``api/services/audio_store.py`` seals and opens them.

A file is ``MAGIC`` (8 bytes), the 16-byte file id, then the sealed chunks end to end;
in the database the file id is a column of ``audio_objects`` and each chunk a row of
``audio_chunks``."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine, delete, insert, select, update

from api.db.models import AudioChunk, AudioObject, Recording
from api.db.types import utcnow
from models.durable_files import fsync_folder
from models.errors import AudioIntegrityError

logger = logging.getLogger(__name__)

MAGIC = b"CNAUDIO1"
FILE_ID = 16
HEADER = len(MAGIC) + FILE_ID
CHUNK = 64 * 1024  # plain bytes per chunk
NONCE = 12
TAG = 16
SEALED_CHUNK = NONCE + CHUNK + TAG
READ_BATCH = 32  # chunks read from the database per query (2 MiB of audio)
WRITE_BATCH = 16  # chunks written to the database per transaction while an upload streams in


@dataclass(frozen=True)
class SealedObject:
    file_id: bytes
    chunks: int
    sealed_size: int  # bytes of sealed chunks (without the file header)


class ChunkSink(Protocol):
    def add(self, sealed: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None: ...


class SealedChunks(Protocol):
    """The storage under the audio store: sealed chunks by object name."""

    def begin(self, name: str, file_id: bytes) -> ChunkSink: ...
    def describe(self, name: str) -> SealedObject: ...
    def read_chunks(self, name: str, first: int, last: int) -> Iterator[bytes]: ...
    def delete(self, name: str) -> None: ...
    def names(self) -> set[str]: ...
    def at_rest(self, name: str) -> bytes: ...
    def remove_abandoned(self, before: datetime) -> int: ...


# --- files ---------------------------------------------------------------------------


class FileChunks:
    """One file per recording under ``root``; written under a hidden name, fsync'd, then renamed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def path(self, name: str) -> Path:
        return self.root / name

    def begin(self, name: str, file_id: bytes) -> "_FileSink":
        return _FileSink(self, name, file_id)

    def describe(self, name: str) -> SealedObject:
        with open(self.path(name), "rb") as handle:
            header = handle.read(HEADER)
            sealed_size = os.fstat(handle.fileno()).st_size - HEADER
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise AudioIntegrityError("not a casenote audio file")
        return SealedObject(file_id=header[len(MAGIC):], chunks=-(-sealed_size // SEALED_CHUNK),
                            sealed_size=sealed_size)

    def read_chunks(self, name: str, first: int, last: int) -> Iterator[bytes]:
        with open(self.path(name), "rb") as handle:
            handle.seek(HEADER + first * SEALED_CHUNK)
            for _ in range(first, last + 1):
                yield handle.read(SEALED_CHUNK)

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()
        fsync_folder(self.root)

    def names(self) -> set[str]:
        return {p.name for p in self.root.iterdir()}

    def at_rest(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def remove_abandoned(self, before: datetime) -> int:
        return 0  # half-received files are removed when the service starts


class _FileSink:
    def __init__(self, chunks: FileChunks, name: str, file_id: bytes) -> None:
        self.chunks, self.name = chunks, name
        self._tmp = chunks.root / f".{name}.part"
        self._handle = open(self._tmp, "xb")
        os.chmod(self._tmp, 0o600)
        self._handle.write(MAGIC + file_id)

    def add(self, sealed: bytes) -> None:
        self._handle.write(sealed)

    def commit(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.chunks.path(self.name))
        fsync_folder(self.chunks.root)

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()


# --- database ------------------------------------------------------------------------


class DatabaseChunks:
    """Rows of ``audio_objects`` and ``audio_chunks``. An object is readable once its
    upload committed (``complete``); chunks go in as the upload streams, a few per
    transaction, so no upload holds a transaction open for its whole length."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def begin(self, name: str, file_id: bytes) -> "_DatabaseSink":
        return _DatabaseSink(self.engine, name, file_id)

    def describe(self, name: str) -> SealedObject:
        with self.engine.connect() as db:
            row = db.execute(select(AudioObject.file_id, AudioObject.chunks, AudioObject.sealed_bytes,
                                    AudioObject.complete).where(AudioObject.name == name)).first()
        if row is None:
            raise FileNotFoundError(name)
        if not row.complete:
            raise AudioIntegrityError(f"the audio {name} was never completely stored")
        return SealedObject(file_id=bytes(row.file_id), chunks=row.chunks, sealed_size=row.sealed_bytes)

    def read_chunks(self, name: str, first: int, last: int) -> Iterator[bytes]:
        # A short query per batch: a slow reader (a player streaming) holds no connection.
        for start in range(first, last + 1, READ_BATCH):
            end = min(last, start + READ_BATCH - 1)
            with self.engine.connect() as db:
                rows = db.execute(select(AudioChunk.chunk_index, AudioChunk.sealed)
                                  .where(AudioChunk.name == name, AudioChunk.chunk_index.between(start, end))
                                  .order_by(AudioChunk.chunk_index)).all()
            if [r.chunk_index for r in rows] != list(range(start, end + 1)):
                raise AudioIntegrityError(f"chunks {start}-{end} of {name} are missing")
            for row in rows:
                yield bytes(row.sealed)

    def delete(self, name: str) -> None:
        with self.engine.begin() as db:
            db.execute(delete(AudioChunk).where(AudioChunk.name == name))
            db.execute(delete(AudioObject).where(AudioObject.name == name))

    def names(self) -> set[str]:
        with self.engine.connect() as db:
            return set(db.scalars(select(AudioObject.name)))

    def at_rest(self, name: str) -> bytes:
        described = self.describe(name)
        with self.engine.connect() as db:
            chunks = db.scalars(select(AudioChunk.sealed).where(AudioChunk.name == name)
                                .order_by(AudioChunk.chunk_index))
            return MAGIC + described.file_id + b"".join(bytes(c) for c in chunks)

    def remove_abandoned(self, before: datetime) -> int:
        """Objects no recording names, made before ``before``: an upload cut off by a
        killed process, or refused after it was stored by a process killed before it
        could delete it."""
        named = select(Recording.audio_file).where(Recording.audio_file.is_not(None))
        with self.engine.begin() as db:
            names = list(db.scalars(select(AudioObject.name).where(AudioObject.created_at < before,
                                                                   AudioObject.name.not_in(named))))
            for name in names:
                db.execute(delete(AudioChunk).where(AudioChunk.name == name))
                db.execute(delete(AudioObject).where(AudioObject.name == name))
        if names:
            logger.info("removed %d abandoned audio object(s)", len(names))
        return len(names)


class _DatabaseSink:
    def __init__(self, engine: Engine, name: str, file_id: bytes) -> None:
        self.engine, self.name = engine, name
        self._pending: list[bytes] = []
        self._count = 0
        self._sealed_bytes = 0
        with engine.begin() as db:
            db.execute(insert(AudioObject).values(name=name, file_id=file_id, complete=False, chunks=0,
                                                  sealed_bytes=0, created_at=utcnow()))

    def add(self, sealed: bytes) -> None:
        self._pending.append(sealed)
        if len(self._pending) >= WRITE_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        rows = [{"name": self.name, "chunk_index": self._count + i, "sealed": chunk}
                for i, chunk in enumerate(self._pending)]
        with self.engine.begin() as db:
            db.execute(insert(AudioChunk), rows)
        self._count += len(rows)
        self._sealed_bytes += sum(len(chunk) for chunk in self._pending)
        self._pending.clear()

    def commit(self) -> None:
        self._flush()
        with self.engine.begin() as db:
            db.execute(update(AudioObject).where(AudioObject.name == self.name).values(
                complete=True, chunks=self._count, sealed_bytes=self._sealed_bytes))

    def abort(self) -> None:
        self._pending.clear()
        with self.engine.begin() as db:
            db.execute(delete(AudioChunk).where(AudioChunk.name == self.name))
            db.execute(delete(AudioObject).where(AudioObject.name == self.name))
