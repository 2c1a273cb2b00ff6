"""Secrets the service needs: the session-signing key and the audio encryption key (the
text key is ``api/db/text_cipher.py``'s).
Each comes from settings, or (SQLite, one machine) from a key file in ``data_dir`` made
on first run with 0600 permissions. On PostgreSQL every process, on any machine, must
read and write the same data, so the keys must be given (``require_given_keys``): a
process that made its own key file would encrypt audio no other process can read."""

from __future__ import annotations

import base64
import binascii
import logging
import os
import secrets
from pathlib import Path

from models.errors import KeyFileError, KeysNotGiven
from models.settings import Settings

logger = logging.getLogger(__name__)

AUDIO_KEY_FILE = "audio.key"
SECRET_KEY_FILE = "secret.key"


def _load_or_create(path: Path, nbytes: int) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        # O_EXCL: two processes starting together cannot both write a key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = base64.b64decode(path.read_text().strip())
        if len(key) != nbytes:
            raise KeyFileError(f"{path}: holds a {len(key)}-byte key; {nbytes} bytes are needed") from None
        return key
    key = secrets.token_bytes(nbytes)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    logger.warning("created a new key file %s (keep it: without it the data cannot be read)", path)
    return key


def require_given_keys(settings: Settings) -> None:
    """On PostgreSQL: refuse to start without the keys in the settings, in one line."""
    if not settings.on_postgresql:
        return
    missing = [name for name, value in (("CASENOTE_AUDIO_KEY", settings.audio_key),
                                        ("CASENOTE_SECRET_KEY", settings.secret_key),
                                        ("CASENOTE_TEXT_KEY", settings.text_key)) if not value]
    if missing:
        raise KeysNotGiven(f"with PostgreSQL every casenote process must be given the same keys: set "
                           f"{', '.join(missing)} (the same values on every machine; key files in a data "
                           "folder are not shared)")


def audio_key(settings: Settings) -> bytes:
    if settings.audio_key:
        try:
            key = base64.b64decode(settings.audio_key, validate=True)
        except (binascii.Error, ValueError):
            raise KeyFileError("CASENOTE_AUDIO_KEY is not base64") from None
        if len(key) != 32:
            raise KeyFileError(f"CASENOTE_AUDIO_KEY must be 32 bytes (AES-256), base64; it is {len(key)} bytes")
        return key
    return _load_or_create(settings.data_dir / AUDIO_KEY_FILE, 32)


def secret_key(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    return _load_or_create(settings.data_dir / SECRET_KEY_FILE, 32)
