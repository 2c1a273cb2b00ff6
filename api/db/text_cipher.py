"""Note, draft and transcript text encrypted at rest (AES-256-GCM), on SQLite and PostgreSQL.

Columns typed ``EncryptedText`` / ``EncryptedJSON`` (``api/db/types.py``) hold
``enc1:<key id>:<base64 of nonce | ciphertext | tag>``; the table and column are the
associated data, so a value cannot be moved to another column and still decrypt. The
key id in each value lets old keys stay readable while a rotation re-encrypts
(``api/services/text_keys.py``).

The keys (a keyring: the first is the one new values are written with) come from
``CASENOTE_TEXT_KEY`` (``ID:BASE64`` entries separated by commas, or one bare base64
key) or from ``data_dir/text.key`` (one ``ID BASE64`` line a key, mode 0600, made on
first start). The cipher travels with the engine (``engine.dialect.text_cipher``),
set by ``make_engine``, so every statement of that engine uses it."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from models.durable_files import write_durably
from models.errors import KeyFileError, StorageError
from models.settings import Settings

logger = logging.getLogger(__name__)

PREFIX = "enc1:"
TEXT_KEY_FILE = "text.key"
NONCE = 12


class TextUnreadable(StorageError):
    """A stored text does not decrypt: damaged, or its key is not in the keyring."""

    code = "text_unreadable"


@dataclass(frozen=True)
class Keyring:
    keys: tuple[tuple[str, bytes], ...]  # (id, 32-byte key), the current one first
    source: str  # "CASENOTE_TEXT_KEY" or the key file's path

    @property
    def current_id(self) -> str:
        return self.keys[0][0]


class TextCipher:
    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self._aead = {key_id: AESGCM(key) for key_id, key in keyring.keys}

    def encrypt(self, plain: str, purpose: str) -> str:
        nonce = secrets.token_bytes(NONCE)
        sealed = self._aead[self.keyring.current_id].encrypt(nonce, plain.encode("utf-8"), purpose.encode())
        return f"{PREFIX}{self.keyring.current_id}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, purpose: str) -> str:
        """The plain text; a value stored before encryption existed is returned as it is."""
        if not stored.startswith(PREFIX):
            return stored
        key_id, _, payload = stored[len(PREFIX):].partition(":")
        aead = self._aead.get(key_id)
        if aead is None:
            raise TextUnreadable(f"a stored text was encrypted with key {key_id!r}, which is not in the text "
                                 f"keyring ({self.keyring.source})")
        try:
            raw = base64.b64decode(payload, validate=True)
            return aead.decrypt(raw[:NONCE], raw[NONCE:], purpose.encode()).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError):
            raise TextUnreadable(f"a stored text ({purpose}) does not decrypt: damaged, or the wrong key") from None

    @staticmethod
    def key_id_of(stored: str) -> str | None:
        return stored[len(PREFIX):].partition(":")[0] if stored.startswith(PREFIX) else None


def load_keyring(settings: Settings, *, create: bool = True) -> Keyring:
    if settings.text_key:
        return Keyring(_parse_env(settings.text_key), "CASENOTE_TEXT_KEY")
    path = settings.data_dir / TEXT_KEY_FILE
    if not path.exists():
        if not create:
            raise KeyFileError(f"no text key: {path} does not exist and CASENOTE_TEXT_KEY is not set")
        _create_key_file(path)
    return Keyring(read_key_file(path), str(path))


def new_key() -> bytes:
    return secrets.token_bytes(32)


def read_key_file(path: Path) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        key_id, _, encoded = line.strip().partition(" ")
        keys.append((key_id, _decode_key(encoded.strip(), f"{path}, line {number}")))
    if not keys:
        raise KeyFileError(f"{path} holds no key")
    _check_ids([key_id for key_id, _ in keys], str(path))
    return tuple(keys)


def write_key_file(path: Path, keys: tuple[tuple[str, bytes], ...]) -> None:
    """Replace the key file whole (temp, fsync, rename), owner-only."""
    content = "".join(f"{key_id} {base64.b64encode(key).decode()}\n" for key_id, key in keys)
    write_durably(path, content.encode(), mode=0o600)
    os.chmod(path, 0o600)


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: two processes starting together cannot both write a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w") as handle:
        handle.write(f"1 {base64.b64encode(new_key()).decode()}\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.warning("created a new key file %s (keep it: without it the notes cannot be read)", path)


def _parse_env(value: str) -> tuple[tuple[str, bytes], ...]:
    entries = [entry.strip() for entry in value.split(",") if entry.strip()]
    if len(entries) == 1 and ":" not in entries[0]:
        return (("1", _decode_key(entries[0], "CASENOTE_TEXT_KEY")),)
    keys = []
    for entry in entries:
        key_id, _, encoded = entry.partition(":")
        keys.append((key_id, _decode_key(encoded, f"CASENOTE_TEXT_KEY entry {key_id!r}")))
    _check_ids([key_id for key_id, _ in keys], "CASENOTE_TEXT_KEY")
    return tuple(keys)


def _check_ids(ids: list[str], where: str) -> None:
    for key_id in ids:
        if not key_id or not key_id.isalnum():
            raise KeyFileError(f"{where}: a key id must be letters or digits (got {key_id!r})")
    if len(set(ids)) != len(ids):
        raise KeyFileError(f"{where}: a key id is used twice")


def _decode_key(encoded: str, where: str) -> bytes:
    try:
        key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError(f"{where}: the key is not base64") from None
    if len(key) != 32:
        raise KeyFileError(f"{where}: the key must be 32 bytes (AES-256), base64; it is {len(key)} bytes")
    return key
