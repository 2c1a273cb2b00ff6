"""Audio at rest: AES-256-GCM in fixed-size chunks, so a byte range (the player
seeking) decrypts only the chunks it covers.

File layout: ``MAGIC`` (8 bytes), a random 16-byte file id, then chunks of
``nonce (12) | ciphertext | tag (16)``. Each chunk is authenticated together with
the file id, its index and whether it is the last one, so chunks cannot be swapped
between files, reordered or cut off without decryption failing."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import secrets
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from models.durable_files import fsync_folder
from models.errors import AudioIntegrityError

logger = logging.getLogger(__name__)

MAGIC = b"CNAUDIO1"
CHUNK = 64 * 1024
NONCE = 12
TAG = 16
HEADER = len(MAGIC) + 16
SEALED_CHUNK = NONCE + CHUNK + TAG


def _aad(file_id: bytes, index: int, last: bool) -> bytes:
    return file_id + struct.pack(">Q?", index, last)


def plain_size(sealed_size: int) -> int:
    body = sealed_size - HEADER
    full, rest = divmod(body, SEALED_CHUNK)
    return full * CHUNK + max(0, rest - NONCE - TAG)


class AudioStore:
    """Encrypted audio files under ``data_dir/audio``."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.root = root
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._aes = AESGCM(key)

    def path(self, name: str) -> Path:
        return self.root / name

    def writer(self) -> "SealedWriter":
        return SealedWriter(self)

    def delete(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(name).unlink()
        fsync_folder(self.root)

    def size(self, name: str) -> int:
        return plain_size(self.path(name).stat().st_size)

    def read_range(self, name: str, start: int, end: int) -> Iterator[bytes]:
        """Plain bytes ``start``..``end`` inclusive, decrypting only the chunks they touch."""
        path = self.path(name)
        sealed_size = path.stat().st_size
        chunks = (sealed_size - HEADER + SEALED_CHUNK - 1) // SEALED_CHUNK
        with open(path, "rb") as handle:
            file_id = self._read_header(handle)
            first, last = start // CHUNK, end // CHUNK
            handle.seek(HEADER + first * SEALED_CHUNK)
            for index in range(first, last + 1):
                plain = self._open_chunk(handle.read(SEALED_CHUNK), file_id, index, index == chunks - 1)
                lo = start - index * CHUNK if index == first else 0
                hi = end - index * CHUNK + 1 if index == last else len(plain)
                yield plain[lo:hi]

    def read_all(self, name: str) -> Iterator[bytes]:
        size = self.size(name)
        if size:
            yield from self.read_range(name, 0, size - 1)

    def _read_header(self, handle) -> bytes:
        header = handle.read(HEADER)
        if len(header) != HEADER or not header.startswith(MAGIC):
            raise AudioIntegrityError("not a casenote audio file")
        return header[len(MAGIC):]

    def _open_chunk(self, sealed: bytes, file_id: bytes, index: int, last: bool) -> bytes:
        if len(sealed) < NONCE + TAG:
            raise AudioIntegrityError(f"chunk {index} is cut short")
        try:
            return self._aes.decrypt(sealed[:NONCE], sealed[NONCE:], _aad(file_id, index, last))
        except Exception:  # InvalidTag: damaged, truncated or a different key
            raise AudioIntegrityError(f"chunk {index} does not decrypt") from None

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


class SealedWriter:
    """Encrypts a stream as it arrives; ``commit`` fsyncs and gives the file its name."""

    def __init__(self, store: AudioStore) -> None:
        self.store = store
        self.name = secrets.token_hex(16) + ".cna"
        self._file_id = secrets.token_bytes(16)
        self._tmp = store.root / f".{self.name}.part"
        self._handle = open(self._tmp, "xb")
        os.chmod(self._tmp, 0o600)
        self._handle.write(MAGIC + self._file_id)
        self._buffer = bytearray()
        self._index = 0
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
        self._handle.write(nonce + self.store._aes.encrypt(nonce, plain, _aad(self._file_id, self._index, last)))
        self._index += 1

    def commit(self) -> str:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        final = self.store.path(self.name)
        os.replace(self._tmp, final)
        fsync_folder(self.store.root)
        return self.name

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        with contextlib.suppress(FileNotFoundError):
            self._tmp.unlink()

