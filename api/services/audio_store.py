"""Audio at rest: AES-256-GCM in fixed-size chunks, so a byte range (the player
seeking) decrypts only the chunks it covers.

Each recording has a random 16-byte file id and chunks of ``nonce (12) | ciphertext |
tag (16)``. Each chunk is authenticated together with the file id, its index and
whether it is the last one, so chunks cannot be swapped between recordings, reordered
or cut off without decryption failing. Where the sealed chunks are kept (files, or
the database when every process on every machine must reach them) is the business of
``api/services/audio_backends.py``."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import secrets
import struct
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine

from api.services.audio_backends import (CHUNK, FILE_ID, NONCE, TAG, DatabaseChunks, FileChunks, SealedChunks,
                                         SealedObject)
from models.errors import AudioIntegrityError
from models.settings import Settings

logger = logging.getLogger(__name__)


def _aad(file_id: bytes, index: int, last: bool) -> bytes:
    return file_id + struct.pack(">Q?", index, last)


def plain_size(described: SealedObject) -> int:
    full, rest = divmod(described.sealed_size, NONCE + CHUNK + TAG)
    return full * CHUNK + max(0, rest - NONCE - TAG)


class AudioStore:
    """Encrypted audio by name, kept by ``chunks`` (files or database rows)."""

    def __init__(self, chunks: SealedChunks, key: bytes) -> None:
        self.chunks = chunks
        self._aes = AESGCM(key)

    def writer(self) -> "SealedWriter":
        return SealedWriter(self)

    def delete(self, name: str) -> None:
        self.chunks.delete(name)

    def size(self, name: str) -> int:
        return plain_size(self.chunks.describe(name))

    def stored_names(self) -> set[str]:
        """Every object kept (finished or not), by name."""
        return self.chunks.names()

    def at_rest(self, name: str) -> bytes:
        """What is stored for ``name``, as it is stored (sealed)."""
        return self.chunks.at_rest(name)

    def remove_abandoned(self, before: datetime) -> int:
        return self.chunks.remove_abandoned(before)

    def read_range(self, name: str, start: int, end: int) -> Iterator[bytes]:
        """Plain bytes ``start``..``end`` inclusive, decrypting only the chunks they touch."""
        described = self.chunks.describe(name)
        first, last = start // CHUNK, end // CHUNK
        sealed_chunks = self.chunks.read_chunks(name, first, last)
        for index, sealed in zip(range(first, last + 1), sealed_chunks):
            plain = self._open_chunk(sealed, described.file_id, index, index == described.chunks - 1)
            lo = start - index * CHUNK if index == first else 0
            hi = end - index * CHUNK + 1 if index == last else len(plain)
            yield plain[lo:hi]

    def read_all(self, name: str) -> Iterator[bytes]:
        size = self.size(name)
        if size:
            yield from self.read_range(name, 0, size - 1)

    def _open_chunk(self, sealed: bytes, file_id: bytes, index: int, last: bool) -> bytes:
        if len(sealed) < NONCE + TAG:
            raise AudioIntegrityError(f"chunk {index} is cut short")
        try:
            return self._aes.decrypt(sealed[:NONCE], sealed[NONCE:], _aad(file_id, index, last))
        except Exception:  # InvalidTag: damaged, truncated or a different key
            raise AudioIntegrityError(f"chunk {index} does not decrypt") from None

    def open_plain(self, name: str) -> io.BufferedReader:
        """The plain audio as a seekable stream, decrypted a chunk at a time as it is
        read: neither the whole plain file nor its decrypted copy is ever held."""
        return io.BufferedReader(_PlainReader(self, name), buffer_size=CHUNK)

    @contextlib.contextmanager
    def decrypted_file(self, name: str) -> Iterator[Path]:
        """The plain audio as a path for the decoder. In memory (memfd) where the
        system has it, so plain audio never touches the disk; else a private temp file."""
        if hasattr(os, "memfd_create"):
            fd = os.memfd_create("casenote-audio", 0)
            try:
                for block in self.read_all(name):
                    os.write(fd, block)
                yield Path(f"/proc/{os.getpid()}/fd/{fd}")
            finally:
                os.close(fd)
            return
        with tempfile.TemporaryDirectory(prefix="casenote-") as folder:  # pragma: no cover - non-Linux
            plain = Path(folder) / "audio"
            with open(plain, "wb") as handle:
                for block in self.read_all(name):
                    handle.write(block)
            yield plain


class _PlainReader(io.RawIOBase):
    """Random access to the plain bytes of a stored recording: the sealed chunks are read
    a window at a time (files or rows alike) and one decrypted chunk is cached."""

    WINDOW = 16  # sealed chunks read at once (1 MiB of audio)

    def __init__(self, store: AudioStore, name: str) -> None:
        self._store, self._name = store, name
        self._described = store.chunks.describe(name)
        self._size = plain_size(self._described)
        self._pos = 0
        self._window: tuple[int, list[bytes]] = (0, [])
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        if self._pos >= self._size:
            return 0
        index, offset = divmod(self._pos, CHUNK)
        plain = self._chunk(index)
        count = min(len(buffer), len(plain) - offset)
        buffer[:count] = plain[offset:offset + count]
        self._pos += count
        return count

    def _chunk(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            self._cached = (index, self._store._open_chunk(self._sealed(index), self._described.file_id, index,
                                                           index == self._described.chunks - 1))
        return self._cached[1]

    def _sealed(self, index: int) -> bytes:
        first, sealed = self._window
        if not first <= index < first + len(sealed):
            last = min(self._described.chunks - 1, index + self.WINDOW - 1)
            first, sealed = index, list(self._store.chunks.read_chunks(self._name, index, last))
            self._window = (first, sealed)
        return sealed[index - first]


class SealedWriter:
    """Encrypts a stream as it arrives; ``commit`` makes it durable under its name."""

    def __init__(self, store: AudioStore) -> None:
        self.store = store
        self.name = secrets.token_hex(16) + ".cna"
        self._file_id = secrets.token_bytes(FILE_ID)
        self._sink = store.chunks.begin(self.name, self._file_id)
        self._buffer = bytearray()
        self._index = 0
        self._open = True
        self.size = 0
        self.sha256 = hashlib.sha256()
        self.head = b""  # the first bytes, for recognising the format

    def write(self, data: bytes) -> None:
        if len(self.head) < 64:
            self.head = (self.head + data)[:64]
        self.size += len(data)
        self.sha256.update(data)
        self._buffer += data
        # Keep at least one byte back: only at the end is it known which chunk is last.
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]

    def _seal(self, plain: bytes, last: bool) -> None:
        nonce = secrets.token_bytes(NONCE)
        self._sink.add(nonce + self.store._aes.encrypt(nonce, plain, _aad(self._file_id, self._index, last)))
        self._index += 1

    def commit(self) -> str:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._sink.commit()
        self._open = False
        return self.name

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._sink.abort()


def make_audio_store(settings: Settings, engine: Engine, key: bytes) -> AudioStore:
    """In the database on PostgreSQL (every process on every machine reaches it, whatever
    its data folder); files under ``data_dir/audio`` on SQLite (one machine)."""
    if settings.on_postgresql:
        return AudioStore(DatabaseChunks(engine), key)
    return AudioStore(FileChunks(settings.data_dir / "audio"), key)
